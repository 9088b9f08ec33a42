"""Photo intake for every upload (reports, walks, chantiers, proposals).

Read the EXIF position, apply orientation, strip every metadata, resize.

Pillow re-encodes the pixels into a fresh JPEG written without `exif=`, so nothing of
the original file's metadata (EXIF, GPS, XMP, comments) survives.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000  # above this, a small file is a decompression bomb
MAX_SIDE = 2048
THUMB_SIDE = 400
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


class PhotoRefusee(Exception):
    """A file we will not store; the message is for the user, in French."""


@dataclass
class PhotoTraitee:
    image: bytes
    miniature: bytes
    largeur: int
    hauteur: int
    empreinte: str
    exif_lonlat: tuple | None


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def _rational(value):
    try:
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return float(value[0]) / float(value[1])


def _exif_lonlat(image):
    """Decimal (lon, lat) from the EXIF GPS block, or None."""
    try:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:  # noqa: BLE001 - broken EXIF is common and never fatal
        return None
    if not gps or 2 not in gps or 4 not in gps:
        return None
    try:
        lat = sum(_rational(v) / 60**i for i, v in enumerate(gps[2]))
        lon = sum(_rational(v) / 60**i for i, v in enumerate(gps[4]))
    except (TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    if str(gps.get(1, "N")).upper().startswith("S"):
        lat = -lat
    if str(gps.get(3, "E")).upper().startswith("W"):
        lon = -lon
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or (lon == 0 and lat == 0):
        return None
    return lon, lat


def _encode(image, side):
    copy = image.copy()
    # Pillow writes some of `info` back on save (a JPEG comment, for one): start empty.
    copy.info = {}
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue(), copy.size


def process(data):
    """Check and re-encode an uploaded photo; raise PhotoRefusee with a French message."""
    if not data:
        raise PhotoRefusee("Fichier vide : aucune photo reçue.")
    if len(data) > MAX_BYTES:
        raise PhotoRefusee(
            f"Photo trop lourde ({len(data) / 1024 / 1024:.1f} Mo) : 15 Mo au maximum."
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format not in ALLOWED_FORMATS:
                raise PhotoRefusee(
                    f"Format {image.format} non accepté : envoyez une photo JPEG, PNG ou WebP."
                )
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise PhotoRefusee(
                    f"Image démesurée ({width} × {height} pixels) : refusée par sécurité."
                )
            exif_lonlat = _exif_lonlat(image)
            image = ImageOps.exif_transpose(image)
            image.load()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise PhotoRefusee("Image démesurée (bombe de décompression) : refusée par sécurité.") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise PhotoRefusee("Ce fichier n'est pas une image lisible (JPEG, PNG ou WebP).") from None
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    full, (w, h) = _encode(image, MAX_SIDE)
    thumb, _ = _encode(image, THUMB_SIDE)
    return PhotoTraitee(full, thumb, w, h, sha256(data), exif_lonlat)


def read_upload(upload):
    """Bytes of an uploaded file, refusing oversized ones before reading them whole."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise PhotoRefusee(f"Photo trop lourde ({size / 1024 / 1024:.1f} Mo) : 15 Mo au maximum.")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoRefusee("Photo trop lourde : 15 Mo au maximum.")
    return data
