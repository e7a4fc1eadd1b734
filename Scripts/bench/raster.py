"""An RGB pixel canvas with lines, rectangles and 5x7 text, saved as PNG with zlib + struct only.

The fallback for plots when matplotlib is not installed: enough to read a CDF, bars and a
histogram, nothing more.
"""
import struct
import zlib

from . import font5x7


class Canvas:
    def __init__(self, width, height, background=(255, 255, 255)):
        self.width, self.height = width, height
        self.pixels = bytearray(bytes(background) * (width * height))

    def set(self, x, y, color):
        if 0 <= x < self.width and 0 <= y < self.height:
            i = 3 * (y * self.width + x)
            self.pixels[i:i + 3] = bytes(color)

    def get(self, x, y):
        i = 3 * (y * self.width + x)
        return tuple(self.pixels[i:i + 3])

    def fill_rect(self, x0, y0, x1, y1, color):
        x0, x1 = sorted((int(round(x0)), int(round(x1))))
        y0, y1 = sorted((int(round(y0)), int(round(y1))))
        for y in range(max(0, y0), min(self.height, y1 + 1)):
            for x in range(max(0, x0), min(self.width, x1 + 1)):
                self.set(x, y, color)

    def line(self, x0, y0, x1, y1, color, width=1):
        """Bresenham, thickened by drawing the same line shifted down/right."""
        x0, y0, x1, y1 = (int(round(v)) for v in (x0, y0, x1, y1))
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        err = dx + dy
        flat = dx >= -dy  # mostly horizontal: thicken downwards, else to the right
        while True:
            for k in range(width):
                if flat:
                    self.set(x0, y0 + k, color)
                else:
                    self.set(x0 + k, y0, color)
            if x0 == x1 and y0 == y1:
                break
            e2 = 2 * err
            if e2 >= dy:
                err += dy
                x0 += sx
            if e2 <= dx:
                err += dx
                y0 += sy

    def text(self, x, y, s, color=(0, 0, 0), scale=2):
        """Draw s with its top-left corner at (x, y); returns the width drawn."""
        cx = int(x)
        for ch in s:
            rows = font5x7.glyph(ch)
            for ry, row in enumerate(rows):
                for rx, bit in enumerate(row):
                    if bit == "#":
                        self.fill_rect(cx + rx * scale, y + ry * scale,
                                       cx + rx * scale + scale - 1, y + ry * scale + scale - 1, color)
            cx += (font5x7.WIDTH + 1) * scale
        return cx - int(x)

    @staticmethod
    def text_width(s, scale=2):
        return len(s) * (font5x7.WIDTH + 1) * scale

    def save_png(self, path):
        with open(path, "wb") as f:
            f.write(encode_png(self.width, self.height, bytes(self.pixels)))


def _chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def encode_png(width, height, rgb):
    """8-bit RGB, no interlace, filter type 0 on every row."""
    if len(rgb) != width * height * 3:
        raise ValueError("pixel buffer does not match the size")
    stride = width * 3
    raw = b"".join(b"\x00" + rgb[y * stride:(y + 1) * stride] for y in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(raw, 9))
            + _chunk(b"IEND", b""))
