"""The same three charts with matplotlib (used when it is installed)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _finish(fig, ax, path, title):
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def line_chart(path, title, xlabel, ylabel, series, logx=True, ylim=(0.0, 1.0)):
    fig, ax = plt.subplots(figsize=(9.6, 5.4))
    for label, xs, ys in series:
        ax.plot(xs, ys, label=label, linewidth=1.6)
    if logx:
        ax.set_xscale("log")
    ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _finish(fig, ax, path, title)


def bar_chart(path, title, ylabel, categories, series):
    fig, ax = plt.subplots(figsize=(9.6, 5.4))
    width = 0.8 / max(1, len(series))
    for i, (label, vals) in enumerate(series):
        ax.bar([c + i * width for c in range(len(categories))], [v or 0.0 for v in vals], width, label=label)
    ax.set_xticks([c + 0.4 - width / 2 for c in range(len(categories))])
    ax.set_xticklabels(categories, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel(ylabel)
    _finish(fig, ax, path, title)


def hist_chart(path, title, xlabel, ylabel, edges, series, logx=True):
    fig, ax = plt.subplots(figsize=(9.6, 5.4))
    used = [i for i in range(len(edges) - 1) if any(counts[i] for _, counts in series)] or [0]
    lo, hi = max(0, used[0] - 1), min(len(edges) - 2, used[-1] + 1)
    for label, counts in series:
        total = sum(counts) or 1
        ax.stairs([n / total for n in counts[lo:hi + 1]], edges[lo:hi + 2], label=label, linewidth=1.6)
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _finish(fig, ax, path, title)
