"""Write a results folder's report: results.md and the PNGs it links, from results.json alone."""
import os

from . import charts, report_tables
from .report_plots import write_plots


def write_report(results, out_dir):
    """Returns the paths written. Plots first, so results.md only links plots that exist."""
    os.makedirs(out_dir, exist_ok=True)
    pngs = write_plots(results, out_dir)
    text = report_tables.render(results, plots=[os.path.basename(p) for p in pngs])
    text += "\nPlots drawn with %s.\n" % charts.BACKEND
    md = os.path.join(out_dir, "results.md")
    with open(md, "w", encoding="utf-8") as f:
        f.write(text)
    return [md] + pngs
