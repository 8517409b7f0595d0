"""The pictures inside a DOCX or PDF Urgent Action, the likeliest portrait first.

UAs usually carry the person's photo. Reading them is bounded like the
text readers: DOCX media are read from the zip within `max_unpacked_mb`
(declared and real sizes), PDF pages up to `max_pages`, at most
MAX_IMAGES pictures, each checked by Pillow before it is decoded. A
picture is optional, so nothing here raises: a damaged or hostile file
gives no pictures, and its text is read (or refused) by the text readers.
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass

from .limits import DEFAULT_LIMITS, MB, ReadLimits

MAX_IMAGES = 12
MIN_SIDE = 200                   # smaller pictures are logos, icons, bullets
PORTRAIT_RATIOS = (0.6, 1.8)     # height / width of a plausible portrait; banners fall outside
MAX_PIXELS = 40_000_000
_MEDIA_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp")

logger = logging.getLogger("advocate")


@dataclass(frozen=True)
class FoundImage:
    data: bytes
    width: int
    height: int
    where: str  # "word/media/image1.jpeg", "page 1"

    @property
    def plausible_portrait(self) -> bool:
        low, high = PORTRAIT_RATIOS
        return min(self.width, self.height) >= MIN_SIDE and low <= self.height / self.width <= high


def document_images(data: bytes, fmt: str, limits: ReadLimits = DEFAULT_LIMITS) -> list[FoundImage]:
    """Plausible portraits in the document, largest first; [] when there are none."""
    readers = {"docx": _docx_images, "pdf": _pdf_images}
    if fmt not in readers:
        return []
    try:
        found = readers[fmt](data, limits)
    except Exception as exc:  # noqa: BLE001 - a picture is optional; never fail an ingest for one
        logger.info("no pictures read from the %s: %s", fmt, type(exc).__name__)
        return []
    portraits = [image for image in found if image.plausible_portrait]
    return sorted(portraits, key=lambda image: image.width * image.height, reverse=True)


def _docx_images(data: bytes, limits: ReadLimits) -> list[FoundImage]:
    budget = limits.max_unpacked_mb * MB
    found: list[FoundImage] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [i for i in archive.infolist()
                   if i.filename.startswith("word/media/") and i.filename.lower().endswith(_MEDIA_SUFFIXES)]
        for info in members[:MAX_IMAGES]:
            if info.file_size > budget:  # declared: stop before reading
                break
            with archive.open(info) as stream:
                raw = stream.read(budget + 1)  # real: never more than the budget
            if len(raw) > budget:
                break
            budget -= len(raw)
            image = _checked(raw, info.filename)
            if image is not None:
                found.append(image)
    return found


def _pdf_images(data: bytes, limits: ReadLimits) -> list[FoundImage]:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        return []
    found: list[FoundImage] = []
    budget = limits.max_unpacked_mb * MB
    for number, page in enumerate(reader.pages):
        if number >= limits.max_pages or len(found) >= MAX_IMAGES:
            break
        for picture in page.images:  # pypdf decodes each to image bytes as it is asked for
            raw = picture.data
            budget -= len(raw)
            if budget < 0:
                return found
            image = _checked(raw, f"page {number + 1}")
            if image is not None:
                found.append(image)
            if len(found) >= MAX_IMAGES:
                break
    return found


def _checked(raw: bytes, where: str) -> FoundImage | None:
    """The picture's size, read from its header before any decoding; None if Pillow cannot read it."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    if width * height > MAX_PIXELS or not width or not height:
        return None
    return FoundImage(raw, width, height, where)
