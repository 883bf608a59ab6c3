"""eForms notices in (issue 17): validate an uploaded notice against the EU's XSD and map it for the portal.

`parse_notice(data)` returns a `Notice` (plain dataclasses, see notice.py) or raises `NoticeRefused` with the
reason in Swedish; `imports.tender_import_from_notice` turns a Notice into a draft tender, an amendment or awards.
"""

from .mapping import parse_notice
from .notice import Notice, NoticeAward, NoticeChange, NoticeLot, Party, Unmapped
from .validation import MAX_NOTICE_BYTES, NoticeRefused, read_upload

__all__ = [
    "MAX_NOTICE_BYTES",
    "Notice",
    "NoticeAward",
    "NoticeChange",
    "NoticeLot",
    "NoticeRefused",
    "Party",
    "Unmapped",
    "parse_notice",
    "read_upload",
]
