"""Pillow's part: read an image, turn it upright, drop its metadata, fit a limit.

Every image leaves here as a fresh baseline JPEG written from pixels alone:
no EXIF (so no GPS position, camera serial or date), no XMP, no comments.
Orientation from EXIF is applied to the pixels first, so the photo still
stands the right way up once the tag is gone.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from ..errors import PhotoError
from .limits import ImageLimits

MIME = "image/jpeg"
QUALITIES = (88, 80, 72, 64)  # tried in turn before the image is made smaller
SHRINK = 0.8                  # each further step, when even the lowest quality is too big
MAX_SOURCE_PIXELS = 60_000_000  # refuse bigger sources before decoding them (decompression bombs)


@dataclass(frozen=True)
class Encoded:
    data: bytes
    width: int
    height: int
    mime: str = MIME

    @property
    def digest(self) -> str:
        return digest(self.data)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def encode_within(data: bytes, limits: ImageLimits, where: str = "the photo") -> Encoded:
    """`data` (any image Pillow reads) as a metadata-free JPEG within `limits`."""
    image = _upright_rgb(_open(data, where))
    image = _fit_pixels(image, limits)
    while True:
        for quality in QUALITIES:
            encoded = _jpeg(image, quality)
            if len(encoded) <= limits.max_bytes:
                return Encoded(encoded, image.width, image.height)
        if min(image.size) <= 16:
            raise PhotoError(f"{where} cannot be made smaller than {limits.max_bytes:,} bytes for {limits.network}")
        image = image.resize((max(1, int(image.width * SHRINK)), max(1, int(image.height * SHRINK))), _lanczos())


def size_of(data: bytes, where: str = "the photo") -> tuple[int, int]:
    """(width, height) without decoding the pixels."""
    return _open(data, where).size


def _open(data: bytes, where: str):
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_SOURCE_PIXELS:
            raise PhotoError(f"{where} is {image.width}x{image.height} pixels, more than "
                             f"{MAX_SOURCE_PIXELS:,}; make it smaller first")
        image.load()
    except PhotoError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise PhotoError(f"{where} is not an image Pillow can read (use a JPEG, PNG or WebP file)") from None
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or damaged files
        raise PhotoError(f"{where} is damaged and cannot be read ({exc})") from None
    return image


def _upright_rgb(image):
    from PIL import Image, ImageOps

    image = ImageOps.exif_transpose(image) or image
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))  # transparency over white, as viewers show it
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB") if image.mode != "RGB" else image


def _fit_pixels(image, limits: ImageLimits):
    scale = min(1.0, limits.max_side / max(image.size), (limits.max_pixels / (image.width * image.height)) ** 0.5)
    if scale >= 1.0:
        return image
    return image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))), _lanczos())


def _jpeg(image, quality: int) -> bytes:
    out = io.BytesIO()
    # No exif=, no icc_profile=: Pillow writes none, so nothing of the source's metadata survives.
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _lanczos():
    from PIL import Image

    return Image.Resampling.LANCZOS
