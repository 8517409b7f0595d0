"""Case photos: stored once without metadata, re-encoded per network, alt text checked.

- limits.py: each network's image size and alt-text limits, in one table;
- image.py: Pillow work: read, orient, strip EXIF (GPS included), fit a limit;
- store.py: where a case's photo lives in the workspace, and its digest;
- alt.py: alt text checked like post text, per network.

Pillow is imported only inside the functions that decode images, so
importing this package costs nothing at CLI start-up.
"""

from .alt import alt_problem
from .limits import LIMITS, ImageLimits, limits_for

__all__ = ["LIMITS", "ImageLimits", "alt_problem", "limits_for"]
