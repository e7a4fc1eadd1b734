"""Line, grouped-bar and step-histogram charts on the raster canvas (the no-matplotlib path)."""
import math

from .raster import Canvas

W, H = 960, 540
BOX = (80, 50, 700, 470)  # plot area: left, top, right, bottom; the legend sits to the right
PALETTE = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
           (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]
GRID = (225, 225, 225)
INK = (0, 0, 0)


def color(i):
    return PALETTE[i % len(PALETTE)]


def nice_ticks(lo, hi, count=5):
    """Round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = [round(start, 12)]
    while ticks[-1] < hi - step * 1e-9:  # the last tick is at or above hi
        ticks.append(round(start + len(ticks) * step, 12))
    return ticks


def log_ticks(lo, hi):
    return [10.0 ** e for e in range(int(math.floor(math.log10(lo))), int(math.ceil(math.log10(hi))) + 1)]


def fmt(v):
    return ("%g" % v) if abs(v) < 1e5 else ("%.0e" % v)


class Axes:
    def __init__(self, canvas, xlim, ylim, logx=False):
        self.c = canvas
        self.x0, self.y0, self.x1, self.y1 = BOX
        self.xlim, self.ylim, self.logx = xlim, ylim, logx

    def px(self, x):
        lo, hi = self.xlim
        if self.logx:
            x, lo, hi = math.log10(max(x, 1e-12)), math.log10(lo), math.log10(hi)
        return self.x0 + (x - lo) / (hi - lo) * (self.x1 - self.x0)

    def py(self, y):
        lo, hi = self.ylim
        return self.y1 - (y - lo) / (hi - lo) * (self.y1 - self.y0)

    def frame(self, title, xlabel, ylabel, xticks, yticks):
        c = self.c
        for t in yticks:
            y = self.py(t)
            c.line(self.x0, y, self.x1, y, GRID)
            label = fmt(t)
            c.text(self.x0 - 8 - Canvas.text_width(label, 1), int(y) - 3, label, INK, scale=1)
        for t in xticks:
            x = self.px(t)
            c.line(x, self.y0, x, self.y1, GRID)
            label = fmt(t)
            c.text(int(x) - Canvas.text_width(label, 1) // 2, self.y1 + 8, label, INK, scale=1)
        c.line(self.x0, self.y1, self.x1, self.y1, INK)
        c.line(self.x0, self.y0, self.x0, self.y1, INK)
        c.text(self.x0, 12, title, INK, scale=2)
        c.text((self.x0 + self.x1 - Canvas.text_width(xlabel, 2)) // 2, self.y1 + 28, xlabel, INK, scale=2)
        c.text(self.x0 - 70, self.y0 - 20, ylabel, INK, scale=1)

    def legend(self, labels):
        x, y = self.x1 + 20, self.y0
        for i, label in enumerate(labels):
            self.c.fill_rect(x, y + i * 22 + 2, x + 14, y + i * 22 + 12, color(i))
            self.c.text(x + 22, y + i * 22, label[:20], INK, scale=2)


def _clip(v, lo, hi):
    return min(max(v, lo), hi)


def line_chart(path, title, xlabel, ylabel, series, logx=True, ylim=(0.0, 1.0)):
    xs_all = [x for _, xs, _ in series for x in xs if (x > 0 or not logx)]
    if not xs_all:
        xs_all = [1.0, 10.0]
    lo, hi = min(xs_all), max(xs_all)
    if logx:
        xlim = (10 ** math.floor(math.log10(lo)), 10 ** math.ceil(math.log10(hi)))
        xticks = log_ticks(*xlim)
    else:
        xticks = nice_ticks(lo, hi)
        xlim = (xticks[0], xticks[-1])
    c = Canvas(W, H)
    ax = Axes(c, xlim, ylim, logx)
    ax.frame(title, xlabel, ylabel, xticks, nice_ticks(*ylim))
    for i, (_, xs, ys) in enumerate(series):
        pts = [(ax.px(_clip(x, *xlim)), ax.py(y)) for x, y in zip(xs, ys) if x > 0 or not logx]
        for (xa, ya), (xb, yb) in zip(pts, pts[1:]):
            c.line(xa, ya, xb, yb, color(i), width=2)
    ax.legend([label for label, _, _ in series])
    c.save_png(path)


def bar_chart(path, title, ylabel, categories, series):
    top = max([v or 0.0 for _, vals in series for v in vals] + [1e-9])
    yticks = nice_ticks(0.0, top * 1.05)
    c = Canvas(W, H)
    ax = Axes(c, (0.0, float(len(categories))), (0.0, yticks[-1]))
    ax.frame(title, "", ylabel, [], yticks)
    group = (ax.x1 - ax.x0) / max(1, len(categories))
    bar = group * 0.8 / max(1, len(series))
    for ci, cat in enumerate(categories):
        gx = ax.x0 + ci * group + group * 0.1
        for si, (_, vals) in enumerate(series):
            v = vals[ci] or 0.0
            x = gx + si * bar
            c.fill_rect(x, ax.py(v), x + bar - 2, ax.y1 - 1, color(si))
        label = cat[:int(group // 6)] if group >= 12 else ""
        c.text(int(gx), ax.y1 + 8, label, INK, scale=1)
    ax.legend([label for label, _ in series])
    c.save_png(path)


def hist_chart(path, title, xlabel, ylabel, edges, series, logx=True):
    """Step outline of each series' fraction per bin; only the bins that hold data are shown."""
    used = [i for i in range(len(edges) - 1) if any(counts[i] for _, counts in series)]
    if not used:
        used = [0, len(edges) - 2]
    lo_i, hi_i = max(0, used[0] - 1), min(len(edges) - 2, used[-1] + 1)
    xlim = (edges[lo_i], edges[hi_i + 1])
    if logx:  # whole decades, so the ticks fall inside the axes
        xlim = (10 ** math.floor(math.log10(xlim[0]) + 1e-9), 10 ** math.ceil(math.log10(xlim[1]) - 1e-9))
    fracs = [[n / (sum(counts) or 1) for n in counts] for _, counts in series]
    yticks = nice_ticks(0.0, max([max(f[lo_i:hi_i + 1]) for f in fracs] + [1e-9]) * 1.05)
    c = Canvas(W, H)
    ax = Axes(c, xlim, (0.0, yticks[-1]), logx)
    ax.frame(title, xlabel, ylabel, log_ticks(*xlim) if logx else nice_ticks(*xlim), yticks)
    for si, f in enumerate(fracs):
        prev_y = ax.py(0.0)
        for i in range(lo_i, hi_i + 1):
            xa, xb, y = ax.px(edges[i]), ax.px(edges[i + 1]), ax.py(f[i])
            c.line(xa, prev_y, xa, y, color(si), width=2)
            c.line(xa, y, xb, y, color(si), width=2)
            prev_y = y
        c.line(ax.px(edges[hi_i + 1]), prev_y, ax.px(edges[hi_i + 1]), ax.py(0.0), color(si), width=2)
    ax.legend([label for label, _ in series])
    c.save_png(path)
