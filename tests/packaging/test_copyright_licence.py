"""The licence a binary package's copyright file gives for installed paths
(packaging/copyright_licence.py): DEP-5 stanzas matched through the
installed paths' trailing sub-paths, and free text matched conservatively.

The last part reads the copyright files of real Debian packages from
AIMODEL_ARCHIVE_DEBS (tools/fetch-archive-debs) and is skipped without it.
"""

from __future__ import annotations

import functools
import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import archive_deb, require_tools

from dh_aimodel.core.advice import FoundModel, advise
from dh_aimodel.packaging.copyright_licence import (
    FREE_TEXT_LIMIT,
    free_text_licence,
    licence_for,
)

HEADER = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"


def dep5(*stanzas: tuple[str, str]) -> str:
    """A DEP-5 file with one Files stanza per (patterns, licence)."""
    return HEADER + "\n".join(f"Files: {files}\nCopyright: 2024 Someone\nLicense: {licence}\n"
                              for files, licence in stanzas)


def given(text: str, *paths: str) -> str | None:
    return licence_for(text, "usr/share/doc/pkg/copyright", list(paths))


# -- DEP-5 -----------------------------------------------------------------------

def test_a_specific_files_pattern_beats_the_catch_all() -> None:
    text = dep5(("*", "GPL-2+"), ("models/*", "CC-BY-NC-4.0"), ("debian/*", "MIT"))
    assert given(text, "usr/share/foo/models/net.bin") == "CC-BY-NC-4.0"
    assert given(text, "usr/share/foo/net.bin") == "GPL-2.0-or-later"


def test_the_catch_all_is_what_remains_when_no_trailing_sub_path_matches() -> None:
    # opencv-data's data/* names the source tree; the .deb installs the files
    # below usr/share/opencv4/: no trailing sub-path starts with data/.
    text = dep5(("*", "Apache-2.0"), ("data/*", "BSD-3-Clause"))
    assert given(text, "usr/share/opencv4/haarcascades/eye.xml") == "Apache-2.0"
    text = dep5(("*", "Apache-2.0"), ("haarcascades/*", "BSD-3-Clause"))
    assert given(text, "usr/share/opencv4/haarcascades/eye.xml") == "BSD-3-Clause"


def test_only_whole_path_components_are_matched() -> None:
    text = dep5(("*", "MIT"), ("lang/*", "CC-BY-NC-4.0"))
    assert given(text, "usr/share/pico/xlang/en.bin") == "MIT"
    assert given(text, "usr/share/pico/lang/en.bin") == "CC-BY-NC-4.0"


def test_the_more_specific_of_two_candidate_source_paths_wins() -> None:
    text = dep5(("*", "MIT"), ("*.bin", "Apache-2.0"), ("pico/lang/*", "CC-BY-NC-4.0"))
    assert given(text, "usr/share/pico/lang/en.bin") == "CC-BY-NC-4.0"


def test_for_one_candidate_source_path_the_last_matching_stanza_applies() -> None:
    # DEP-5: "the last stanza that matches a particular file applies to it";
    # for models/x.bin that is *.bin, even though models/* is longer.
    text = dep5(("*", "MIT"), ("models/*", "CC-BY-NC-4.0"), ("*.bin", "Apache-2.0"))
    assert given(text, "usr/share/foo/models/x.bin") == "Apache-2.0"
    assert given(text, "usr/share/foo/models/x.txt") == "CC-BY-NC-4.0"


def test_a_pattern_written_with_a_trailing_colon_still_names_its_directory() -> None:
    # libttspico-data: "Files: pico/lang/*:".
    text = dep5(("*", "Apache-2.0"), ("pico/lang/*:", "other"))
    assert given(text, "usr/share/pico/lang/en-US_ta.bin") == "other"


def test_dep5_short_names_come_back_in_spdx_terms() -> None:
    assert given(dep5(("*", "GPL-3+")), "a/b") == "GPL-3.0-or-later"
    assert given(dep5(("*", "Expat")), "a/b") == "MIT"
    assert given(dep5(("*", "BSD-3-clause")), "a/b") == "BSD-3-Clause"
    assert given(dep5(("*", "Apache-2.0 or Expat")), "a/b") == "Apache-2.0 OR MIT"


def test_names_the_knowledge_base_lacks_are_kept_as_written() -> None:
    assert given(dep5(("*", "BSD-3-Clause-with-ICOT-term")), "a/b") == \
        "BSD-3-Clause-with-ICOT-term"


def test_paths_under_different_licences_give_their_conjunction() -> None:
    text = dep5(("*", "Apache-2.0"), ("nets/*", "CC-BY-NC-4.0"), ("tables/*", "Expat"))
    assert given(text, "usr/share/x/nets/a.bin", "usr/share/x/tables/t.txt",
                 "usr/share/x/nets/b.bin") == "CC-BY-NC-4.0 AND MIT"
    assert given(text, "usr/share/x/nets/a.bin", "usr/share/x/b.bin") == \
        "Apache-2.0 AND CC-BY-NC-4.0"


def test_one_licence_spelled_two_ways_is_one_licence() -> None:
    text = dep5(("*", "MIT"), ("nets/*", "Expat"))
    assert given(text, "usr/share/x/nets/a.bin", "usr/share/x/b.bin") == "MIT"


def test_a_path_no_stanza_covers_makes_the_answer_none() -> None:
    text = dep5(("nets/*", "Apache-2.0"))
    assert given(text, "usr/share/x/nets/a.bin") == "Apache-2.0"
    assert given(text, "usr/share/x/nets/a.bin", "usr/share/x/other.bin") is None


def test_a_licence_that_is_no_expression_gives_none() -> None:
    assert given(dep5(("*", "Apache 2.0")), "a/b") is None


def test_an_illegal_glob_matches_nothing_and_raises_nothing() -> None:
    text = dep5(("*", "MIT"), ("nets\\", "CC-BY-NC-4.0"))
    assert given(text, "usr/share/nets\\") == "MIT"


def test_no_paths_give_none() -> None:
    assert given(dep5(("*", "MIT"))) is None


# -- free text -------------------------------------------------------------------

APACHE = """\
    Licensed under the Apache License, Version 2.0 (the "License");
    you may not use this file except in compliance with the License.
    On Debian systems, the complete text of the Apache version 2.0 license
    can be found in "/usr/share/common-licenses/Apache-2.0".
"""
GPL3_LATER = """\
    This program is free software: you can redistribute it and/or modify
    it under the terms of the GNU General Public License as published by
    the Free Software Foundation, either version 3 of the License, or
    (at your option) any later version.

On Debian systems, the complete text of the GNU General
Public License version 3 can be found in `/usr/share/common-licenses/GPL-3'.
"""
GPL2_ONLY = """\
 This program is free software; you can redistribute it and/or modify it under
 the terms of the GNU General Public License version 2 as published by the Free
 Software Foundation.
"""
BSD = """\
Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:
- Redistributions of source code must retain the above copyright
notice, this list of conditions and the following disclaimer.
- Redistributions in binary form must reproduce the above copyright
notice, this list of conditions and the following disclaimer in the
documentation and/or other materials provided with the distribution.
"""
BSD_NAME_CLAUSE = """\
- Neither the name of the copyright holder nor the names of its
contributors may be used to endorse or promote products derived from
this software without specific prior written permission.
"""
OWN_GRANT = """\
  Permission is hereby granted, free of charge, to use and distribute
  this software and its documentation without restriction.
"""


def packaged(*parts: str) -> str:
    return ("This package was debianized by Someone <s@example.org>.\n\n"
            "Copyright (C) 2020 Upstream Author\n\n" + "\n".join(textwrap.dedent(p)
                                                              for p in parts))


@pytest.mark.parametrize(("parts", "expected"), [
    ((APACHE,), "Apache-2.0"),
    ((GPL3_LATER,), "GPL-3.0-or-later"),
    ((GPL2_ONLY,), "GPL-2.0-only"),
    ((BSD + BSD_NAME_CLAUSE,), "BSD-3-Clause"),
    ((BSD,), "BSD-2-Clause"),
    (("This work is licensed under the Creative Commons Attribution 4.0 International "
      "License.",), "CC-BY-4.0"),
    (("Licensed under Creative Commons Attribution-NonCommercial 4.0 International.",),
     "CC-BY-NC-4.0"),
    (("See http://creativecommons.org/licenses/by-sa/3.0/ for the licence.",),
     "CC-BY-SA-3.0"),
], ids=["apache", "gpl-3+", "gpl-2", "bsd-3", "bsd-2", "cc-by-4", "cc-by-nc-4", "cc-url"])
def test_a_single_well_known_licence_statement_gives_that_licence(
        parts: tuple[str, ...], expected: str) -> None:
    text = packaged(*parts)
    assert free_text_licence(text) == expected
    assert licence_for(text, "copyright", ["usr/share/x/model.bin"]) == expected


@pytest.mark.parametrize("parts", [
    (GPL3_LATER, "The NNUE file is distributed under Creative Commons CC0 license."),
    (APACHE, GPL3_LATER),
    (APACHE, OWN_GRANT),
    (BSD + BSD_NAME_CLAUSE, BSD),
    ("This work is licensed under the Creative Commons Attribution 4.0 International "
     "License.", "The lexicon is free for non-commercial use only."),
    (GPL3_LATER, "The word lists are in the public domain."),
    (GPL2_ONLY, GPL3_LATER),
], ids=["gpl+cc0", "apache+gpl", "apache+own-grant", "two-bsd", "cc+nc", "gpl+pd",
        "gpl2+gpl3"])
def test_several_licences_give_none(parts: tuple[str, ...]) -> None:
    assert free_text_licence(packaged(*parts)) is None


def test_a_licence_of_its_own_gives_none() -> None:
    assert free_text_licence(packaged(OWN_GRANT)) is None


def test_no_licence_statement_gives_none() -> None:
    assert free_text_licence(packaged("All rights reserved.")) is None
    assert licence_for("", "copyright", ["a/b"]) is None


def test_a_huge_free_text_file_gives_none() -> None:
    text = packaged(APACHE) + "x" * FREE_TEXT_LIMIT
    assert free_text_licence(text) is None


# -- real packages of the archive --------------------------------------------------

def _tar(deb: Path, *args: str) -> str:
    data = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], check=True,
                          capture_output=True).stdout
    return subprocess.run(["tar", *args], input=data, check=True,
                          capture_output=True).stdout.decode("utf-8")


@functools.cache
def real(package: str, suite: str = "trixie") -> tuple[str, list[str]]:
    """(copyright file, installed file paths) of a real package."""
    deb = archive_deb(package, suite)
    require_tools("tar")
    text = _tar(deb, "-xO", f"./usr/share/doc/{package}/copyright")
    paths = [p.removeprefix("./") for p in _tar(deb, "-t").splitlines()
             if not p.endswith("/")]
    return text, paths


def test_tesseract_ocr_eng_is_apache_2() -> None:
    text, paths = real("tesseract-ocr-eng")
    nets = [p for p in paths if p.endswith(".traineddata")]
    assert nets and licence_for(text, "copyright", nets) == "Apache-2.0"
    advice = advise([FoundModel(p, "tesseract-lstm", "model") for p in nets],
                    licence_for(text, "copyright", nets))
    assert (advice.area, advice.worst) == ("main", "non-free")
    assert advice.unknown == ("training data", "training program")


def test_opencv_data_cascades_fall_to_the_catch_all() -> None:
    # Files: data/* (BSD-3-Clause) names the source tree; the cascades are
    # installed under usr/share/opencv4/, so Files: * applies.
    text, paths = real("opencv-data")
    cascades = [p for p in paths if "/haarcascades/" in p]
    assert cascades
    assert licence_for(text, "copyright", cascades) == "Apache-2.0 AND BSD-3-Clause"


def test_libttspico_data_voices_are_under_other() -> None:
    # "Files: pico/lang/*:" with "License: other" (the voices' source is missing).
    text, paths = real("libttspico-data")
    voices = [p for p in paths if p.startswith("usr/share/pico/lang/")]
    assert voices and licence_for(text, "copyright", voices) == "other"
    advice = advise([FoundModel(p, "svox-pico", "model") for p in voices], "other")
    assert advice.unknown[0] == "weights licence" and advice.area == "main"


def test_mecab_ipadic_is_under_its_icot_term() -> None:
    text, paths = real("mecab-ipadic")
    dictionary = [p for p in paths if p.startswith("usr/share/mecab/dic/ipadic/")]
    assert dictionary
    assert licence_for(text, "copyright", dictionary) == "BSD-3-Clause-with-ICOT-term"


def test_gnubg_data_weights_and_match_equity_tables() -> None:
    # The weights fall to Files: * (GPL-3+); a stanza lists most match
    # equity tables by name as all-permissive, but not met/cubeless.xml.
    text, paths = real("gnubg-data")
    weights, listed, unlisted = ("usr/share/gnubg/gnubg_os0.bd", "usr/share/gnubg/met/zadeh.xml",
                                 "usr/share/gnubg/met/cubeless.xml")
    assert {weights, listed, unlisted} <= set(paths)
    assert licence_for(text, "copyright", [weights]) == "GPL-3.0-or-later"
    assert licence_for(text, "copyright", [listed]) == "all-permissive"
    assert licence_for(text, "copyright", [unlisted]) == "GPL-3.0-or-later"
    assert licence_for(text, "copyright", [weights, listed]) == \
        "all-permissive AND GPL-3.0-or-later"


@pytest.mark.parametrize(("package", "suite", "expected"), [
    ("libexttextcat-data", "trixie", "BSD-3-Clause"),   # one BSD text
    ("sunpinyin-data", "trixie", "CC-BY-SA-3.0"),        # the whole CC BY-SA 3.0 text
    ("stockfish", "trixie", None),                        # GPL-3+ and, for the net, CC0
    ("stockfish", "bookworm", None),
    ("festlex-poslex", "trixie", None),                   # its own licence, and an NC one
    ("festlex-cmu", "trixie", None),                      # its own licence only
    ("hunspell-en-us", "trixie", None),                   # public domain, BSD, WordNet
], ids=lambda v: v if isinstance(v, str) else "none")
def test_real_free_text_copyright_files(package: str, suite: str, expected: str | None) -> None:
    text, paths = real(package, suite)
    assert free_text_licence(text) == expected
    assert licence_for(text, "copyright", paths[:3]) == expected
