"""What a file really is, read from its first bytes and (for Office files) its parts.

The client's file name and Content-Type are not trusted: an .exe renamed .pdf is refused
because it does not start like a PDF. A zip-based file is opened far enough to see that
it is the document it claims and not a zip bomb.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: What the parts of a zip-based document may unpack to in total.
MAX_UNPACKED = 256 * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    key: str
    extensions: tuple[str, ...]
    mimetype: str


TYPES = {
    t.key: t
    for t in (
        FileType("pdf", ("pdf",), "application/pdf"),
        FileType("jpg", ("jpg", "jpeg"), "image/jpeg"),
        FileType("png", ("png",), "image/png"),
        FileType("gif", ("gif",), "image/gif"),
        FileType(
            "docx",
            ("docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        FileType(
            "xlsx", ("xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
        # Old Word/Excel and WPS files are all OLE compound files: one check serves them.
        FileType("ole", ("doc", "xls", "wps", "et"), "application/octet-stream"),
        FileType("ofd", ("ofd",), "application/ofd"),
        FileType("txt", ("txt",), "text/plain; charset=utf-8"),
    )
}
DOCUMENTS_AND_IMAGES = tuple(TYPES)
IMAGES = ("jpg", "png", "gif")

#: The zip member that marks each zip-based type.
_ZIP_MARKERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "ofd": "OFD.xml"}


def type_for_extension(extension: str) -> FileType | None:
    extension = extension.lower()
    return next((t for t in TYPES.values() if extension in t.extensions), None)


def matches(data: bytes, file_type: FileType) -> bool:
    """Does ``data`` have the content of ``file_type``?"""
    key = file_type.key
    if key == "pdf":
        return data.startswith(b"%PDF-")
    if key == "jpg":
        return data.startswith(b"\xff\xd8\xff")
    if key == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if key == "gif":
        return data[:6] in (b"GIF87a", b"GIF89a")
    if key == "ole":
        return data.startswith(OLE_MAGIC)
    if key in _ZIP_MARKERS:
        return _zip_holds(data, _ZIP_MARKERS[key])
    if key == "txt":
        return _is_text(data)
    return False


def _zip_holds(data: bytes, marker: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
            if sum(info.file_size for info in infos) > MAX_UNPACKED:
                return False
            return marker in {info.filename for info in infos}
    except (zipfile.BadZipFile, EOFError, ValueError):
        return False


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False
