"""webmend: restore web-crawled documents to the text their authors wrote.

    >>> import webmend
    >>> webmend.mend(text="Hello  \\r\\nworld.").text
    'Hello\\nworld.'
"""
from webmend.document import Change, Document, Edit, Removed
from webmend.pipeline import Options, mend, mend_all

__all__ = ["Change", "Document", "Edit", "Removed", "Options", "mend", "mend_all"]
__version__ = "0.1.0"
