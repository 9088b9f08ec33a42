"""Uploaded photos: decoded by Pillow, turned upright, shrunk, re-encoded as JPEG.

Re-encoding drops every metadata block (EXIF, GPS, XMP) and anything that is not the
picture itself. Non-images, files over 15 MB and decompression bombs are refused with a
message the form shows as is.
"""

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 15 * 1024 * 1024
MAX_SIDE = 2048
MAX_PIXELS = 40_000_000  # a 40-megapixel camera; far beyond is a decompression bomb
JPEG_QUALITY = 85


class PhotoRefusee(ValidationError):
    pass


def reencode(upload):
    """Return (ContentFile named *.jpg, width, height) or raise PhotoRefusee in French."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise PhotoRefusee(f"La photo dépasse 15 Mo ({size / 1024 / 1024:.1f} Mo) : réduisez-la avant l'envoi.")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoRefusee("La photo dépasse 15 Mo : réduisez-la avant l'envoi.")
    if not data:
        raise PhotoRefusee("Le fichier envoyé est vide.")
    try:
        image = _open(data)
    except PhotoRefusee:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PhotoRefusee("Ce fichier n'est pas une image lisible (JPEG, PNG, WebP…).") from exc
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    name = f"{uuid.uuid4().hex}.jpg"
    return ContentFile(buffer.getvalue(), name=name), image.width, image.height


def _open(data):
    with warnings.catch_warnings():
        # Pillow warns, then raises, on oversized images; both mean "bomb" here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data))
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise PhotoRefusee(
                    f"Image démesurée ({width} × {height} pixels) : elle est refusée par sécurité."
                )
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise PhotoRefusee("Image démesurée (bombe de décompression) : elle est refusée par sécurité.") from exc
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return image
