"""Files attached to records (petition evidence, progress reports, hardship proofs).

A plugin declares an :class:`~core.attachments.kinds.AttachmentKind` for each kind of
record that takes files, saves uploads with :func:`~core.attachments.services.save`, and
links :func:`~core.attachments.views.download_url`. Core checks every file (size, and
type by its content rather than its name), stores it under the tenant's own folder, and
serves it only to users the kind allows.
"""
