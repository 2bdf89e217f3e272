"""The petitions plugin's documents: ``ledger`` (the 信访台账 .xlsx/.csv export),
``notices`` (the four .docx notices from replaceable templates) and ``statistics``
(the statistics workbook)."""
