"""Attachments: a file is checked by its content, stored in its tenant's folder, recorded
and audited; it is served only inside its tenant, to users its kind allows, as a
download."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from flask import Flask
from marshmallow import ValidationError
from werkzeug.datastructures import FileStorage

from core.attachments import storage
from core.attachments.kinds import AttachmentKind, declare
from core.attachments.models import Attachment
from core.attachments.services import attachments_of, clean_filename, content_of, save
from core.audit.models import AuditEntry
from core.orgs.fields import IDENTITY_PERMISSION
from core.plugins.manager import CORE
from tests.core.orgs.helpers import World, build_world

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 60

EVIDENCE = declare(
    AttachmentKind("test.evidence", CORE, IDENTITY_PERMISSION, max_bytes=1024, max_files=2)
)
AUDITED = declare(AttachmentKind("test.audited", CORE, IDENTITY_PERMISSION, audit_downloads=True))
ELSEWHERE = declare(AttachmentKind("test.elsewhere", "no_such_plugin", IDENTITY_PERMISSION))


def upload(name: str, data: bytes) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def docx_file() -> bytes:
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("情况说明")
    document.save(out)
    return out.getvalue()


@pytest.fixture
def world(app: Flask, factory, client) -> World:
    return build_world(app, factory, client)


def attach(world: World, kind: str, name: str, data: bytes, owner_id: int = 7) -> Attachment:
    def go():
        from core.db import db

        attachment = save(kind, owner_id, upload(name, data), uploaded_by=None)
        db.session.commit()
        db.session.refresh(attachment)
        db.session.expunge(attachment)
        return attachment

    return world.in_tenant("alpha", go)


def refused(world: World, kind: str, name: str, data: bytes) -> str:
    def go():
        with pytest.raises(ValidationError) as refusal:
            save(kind, 7, upload(name, data), uploaded_by=None)
        return refusal.value.messages["file"][0]

    message = world.in_tenant("alpha", go)
    assert world.count("alpha", Attachment) == 0
    return message


def test_a_pdf_is_stored_in_its_tenants_folder_recorded_and_audited(world: World) -> None:
    attachment = attach(world, "test.evidence", "来信.pdf", PDF)

    assert (attachment.filename, attachment.file_type, attachment.size) == (
        "来信.pdf",
        "pdf",
        len(PDF),
    )
    with world.app.app_context():
        path = storage.path_for(attachment.tenant_id, attachment.sha256)
        assert path.read_bytes() == PDF
        assert (
            Path(world.app.config["ATTACHMENTS_PATH"]) / str(attachment.tenant_id) in path.parents
        )
    assert [e.detail["filename"] for e in world.audit("alpha", "attachment.uploaded")] == [
        "来信.pdf"
    ]
    assert world.in_tenant("alpha", lambda: [a.id for a in attachments_of("test.evidence", 7)]) == [
        attachment.id
    ]


def test_office_files_are_recognised_by_their_parts(world: World) -> None:
    big = declare(AttachmentKind("test.office", CORE, IDENTITY_PERMISSION))
    assert attach(world, big.name, "情况说明.docx", docx_file()).file_type == "docx"
    assert (
        attach(
            world, big.name, "旧文档.DOC", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
        ).file_type
        == "ole"
    )


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("病毒.pdf", EXE, "不是 .pdf 格式"),
        ("程序.exe", EXE, "不接受此类文件"),
        ("没有扩展名", PDF, "不接受此类文件"),
        ("图片.png", PDF, "不是 .png 格式"),
        ("空.pdf", b"", "是空的"),
        ("大.pdf", PDF + b"x" * 2000, "超过 1 KB 的上限"),
        ("", PDF, "请选择"),
    ],
)
def test_a_file_that_is_not_what_it_claims_or_too_big_is_refused(
    world: World, name: str, data: bytes, says: str
) -> None:
    assert says in refused(world, "test.evidence", name, data)


def test_a_zip_pretending_to_be_a_word_document_is_refused(world: World) -> None:
    fake = io.BytesIO()
    with zipfile.ZipFile(fake, "w") as package:
        package.writestr("payload.js", "alert(1)")
    big = declare(AttachmentKind("test.office2", CORE, IDENTITY_PERMISSION))
    assert "不是 .docx 格式" in refused(world, big.name, "文件.docx", fake.getvalue())


def test_a_record_takes_at_most_the_kinds_number_of_files(world: World) -> None:
    attach(world, "test.evidence", "一.pdf", PDF)
    attach(world, "test.evidence", "二.png", PNG)

    def third():
        with pytest.raises(ValidationError, match="最多上传 2 个"):
            save("test.evidence", 7, upload("三.pdf", PDF), uploaded_by=None)

    world.in_tenant("alpha", third)


def test_file_names_lose_paths_and_control_characters() -> None:
    assert clean_filename("C:\\Users\\张三\\材料.pdf") == "材料.pdf"
    assert clean_filename("../../etc/passwd\x00.pdf") == "passwd.pdf"
    assert clean_filename("a\u202etxt.pdf") == "atxt.pdf"
    long = clean_filename("长" * 300 + ".pdf")
    assert len(long) == 120 and long.endswith(".pdf")


def test_a_download_is_served_as_an_attachment_that_cannot_run_script(world: World) -> None:
    attachment = attach(world, "test.evidence", "来信.pdf", PDF)

    response = world.client.get(
        f"/api/v1/t/alpha/attachments/{attachment.id}",
        headers={"Authorization": f"Bearer {world.tokens['admin']}"},
    )

    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_download_needs_the_kinds_permission_and_stays_in_its_tenant(world: World) -> None:
    attachment = attach(world, "test.evidence", "来信.pdf", PDF)
    hidden = attach(world, "test.elsewhere", "别处.pdf", PDF)

    def get(who: str, tenant: str, attachment_id: int) -> int:
        return world.client.get(
            f"/api/v1/t/{tenant}/attachments/{attachment_id}",
            headers={"Authorization": f"Bearer {world.tokens[who]}"},
        ).status_code

    assert get("registrar", "alpha", attachment.id) == 403  # no identity permission
    assert get("beta", "beta", attachment.id) == 404  # another tenant's file
    assert get("admin", "alpha", hidden.id) == 404  # its plugin is not enabled here
    assert get("admin", "alpha", 987654321) == 404
    assert get("admin", "alpha", 2**70) == 404  # past BIGINT: absent, not a 500


def test_downloads_of_a_sensitive_kind_are_audited(world: World) -> None:
    attachment = attach(world, "test.audited", "检举材料.pdf", PDF)

    world.client.get(
        f"/api/v1/t/alpha/attachments/{attachment.id}",
        headers={"Authorization": f"Bearer {world.tokens['admin']}"},
    )

    assert [e.object_id for e in world.audit("alpha", "attachment.downloaded")] == [
        str(attachment.id)
    ]
    assert world.in_tenant("alpha", lambda: content_of(attachment)) == PDF
    assert AuditEntry is not None
