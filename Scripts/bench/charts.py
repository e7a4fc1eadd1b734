"""Chart functions from matplotlib when it imports, else from the built-in raster fallback."""
try:
    from .chart_matplotlib import bar_chart, hist_chart, line_chart
    BACKEND = "matplotlib"
except ImportError:
    from .chart_raster import bar_chart, hist_chart, line_chart
    BACKEND = "raster"

__all__ = ["bar_chart", "hist_chart", "line_chart", "BACKEND"]
