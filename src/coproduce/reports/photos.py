"""Tablecloth photos for the report: downscaled, so a report with forty photos stays a file
people can email, and a photo that cannot be read is left out rather than failing the report."""

import io

from PIL import Image, ImageOps, UnidentifiedImageError

LONGEST_SIDE = 1400  # pixels: sharp at 12 cm wide in print (about 300 dpi)
QUALITY = 80


def downscaled(photo) -> bytes | None:
    """The stored photo (a FieldFile) as a JPEG no larger than LONGEST_SIDE, or None when the
    file is missing or is no picture."""
    try:
        with photo.open("rb") as stored, Image.open(stored) as image:
            image = ImageOps.exif_transpose(image)  # phones store turned photos sideways
            image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=QUALITY, optimize=True)
            return out.getvalue()
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None
