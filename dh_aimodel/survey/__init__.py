"""``aimodel survey``: what models many .debs ship, for an archive reviewer.

:mod:`.inputs` turns what the user names (.deb files, directory trees, a
Packages index with its mirror) into :class:`~.inputs.Item` values and
downloads the ones a mirror URL serves; :mod:`.record` reads one .deb into a
JSON-able record (streamed once, by :func:`dh_aimodel.lint.inputs.deb_target`);
:mod:`.store` keeps the records in SQLite, keyed by the .deb's sha256, so an
interrupted run resumes and shard databases merge; :mod:`.run` surveys the
pending items on a process pool over every core; :mod:`.report` writes the
table, JSON, CSV and HTML.
"""
