"""The speech families (data/families/speech.yaml, formats/speech_families.py).

Small files of each family are built here from what the real ones hold
(Sphinx models, HTS voices, festival voices and lexicons, SVOX Pico
lingware); damaged and unrelated twins must not be taken for them.  The
real packages are read from $AIMODEL_ARCHIVE_DEBS when it is set.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from collections.abc import Callable

import pytest
from conftest import archive_deb, recognised_members

from dh_aimodel.core.datafiles import load_yaml
from dh_aimodel.formats import families, speech_families
from dh_aimodel.formats.families import RECOGNISE_BYTES, Candidate, Family, Recognised

SPEECH: dict[str, Family] = {
    f.id: f for f in families._load(load_yaml("families/speech.yaml"), "speech.yaml")}

# -- builders ------------------------------------------------------------------------------


def s3(header: bytes = b"version 1.0\nchksum0 yes\n") -> bytes:
    return b"s3\n" + header + b"endhdr\n" + struct.pack("<I", 0x11223344) + bytes(64)


def htsvoice(last: int = 99, data: int = 100) -> bytes:
    header = (b"[GLOBAL]\nHTS_VOICE_VERSION:1.0\nSAMPLING_FREQUENCY:48000\nFRAME_PERIOD:240\n"
              b"NUM_STATES:5\nNUM_STREAMS:2\nSTREAM_TYPE:MCP,LF0\n"
              b"FULLCONTEXT_FORMAT:HTS_TTS_JPN\nCOMMENT:a test voice\n[STREAM]\n"
              b"VECTOR_LENGTH[MCP]:35\nVECTOR_LENGTH[LF0]:1\n[POSITION]\n"
              b"DURATION_PDF:0-19\nDURATION_TREE:20-39\nSTREAM_PDF[MCP]:40-79\n"
              + f"STREAM_TREE[MCP]:80-{last}\n".encode())
    return header + b"[DATA]\n" + bytes(data)


def pico(content_type: bytes = b"SIGGEN", extra: int = 0) -> bytes:
    signature = bytes(b - 0x20 for b in b" (C) SVOX AG ")
    header = (b"\x06  NAME en-US_lh0_sg_1.1.0.0-0-2 VERSION 1.1.0.0-0-2 DATE 2009-12-09 "
              b"TIME 17:00:00.000 CONTENT_TYPE " + content_type + b" \x02\x00")
    kbs = b"DT_DUR DT_MGC1 PDF_DUR PDF_MGC FST_SPHO_2 "
    data = bytes([5]) + kbs + bytes(40)
    return (signature + struct.pack("<H", len(header)) + header
            + struct.pack("<I", len(data) + extra) + data)


VOICE_SCM = b""";;; Copyright (c) 2005, Some Lab <speech@example.org>
(define (voice_xx_test_diphone)
  (Parameter.set 'Synth_Method 'UniSyn))
(proclaim_voice
 'xx_test_diphone
 '((language hindi)
   (gender male)
   (dialect COMMENT)
   (description
    "A test voice."
    )
   (builtwith festvox-1.2)))
"""
DUR_SCM = b""";; Duration models autotrained by festvox
(set! xx::phone_durs '(
 (pau 0.2 0.5)
 (a 0.1 0.02)))
(set! xx::zdur_tree '
((name is pau)
 ((p.R:SylStructure.parent.parent.pbreak is BB)
  ((0.0 2.0))
  ((0.0 0.0)))
 ((n.name is pau)
  ((0.1 0.7))
  ((-0.2 0.3)))))
"""
#: A hand-written phrasing tree: symbolic leaves, no trained numbers.
PHRASE_SCM = b"""(set! xx_phrase_cart_tree
'
((lisp_token_end_punc in ("?" "." "!"))
  ((BB))
  ((n.name is 0)
   ((BB))
   ((NB)))))
"""
#: A build script that writes a trained tree: the tree is in strings.
BUILD_SCM = b"""(define (build_dur)
  (format ofd "(set! %s::zdur_tree '\\n" modelname)
  (format ofd "((name is %s)\\n" silence)
  (format ofd "  ((0.0 2.0))\\n"))
"""
LTS_SCM = b""";;;  Letter to sound rules derived automatically from CMUDICT 0.4
;;;  phones 75994 correct 68065 (89.57)
;;;  words 10458 correct 5401 (51.64)
;;;  tree model has 50952 nodes
(set! cmu_lts_rules '(
(a
 ((n.name is r)
  (((aa 0.7) (ax 0.3) aa))
  (((ae 1) ae)))
)))
"""
SELECTION_TREE = b"\n((p.ph_cvox is +)\n ((((43 9.72231) (50 10.305)) 8.5))\n ((((7 1.5)) 1.5)))\n"


def est_index(fmt: bytes = b"") -> bytes:
    return (b"EST_File index\nDataType ascii\nNumEntries 3\nIndexName xx_lpc\n" + fmt
            + b"EST_Header_End\npau-a 0 4250 11\na-pau 17598 19456 5\n")


GROUPED = b"DataFormat grouped\nVersion 2\ntrack_file_format est_binary\nsig_file_format snd\n"
MNCL_PRON = b"MNCL\n" + b"".join(b'("w%d" nil (((aa) 1) ((b ax) 0)))\n' % i for i in range(30))
MNCL_POS = b"MNCL\n" + b"".join(b'("w%d" ((nn -3.2) (jj -8.7) ) () )\n' % i for i in range(30))
NGRAMBIN = b"NgramBin_2 3\nnn punc nnp dt in jj\nnn punc nnp dt in jj\n" + bytes(64)
TRIE = b"Trie Language Model" + bytes([3]) + struct.pack("<3I", 43, 15, 21) + bytes(64)
CMUDICT = b"".join(b"%s %s\n" % (w, p) for w, p in [
    (b"'bout", b"B AW T"), (b"a", b"AH"), (b"a(2)", b"EY"), (b"aaa", b"T R IH P AH L EY"),
    (b"aachen", b"AA K AH N"), (b"aaron", b"EH R AH N"), (b"aback", b"AH B AE K"),
    (b"abacus", b"AE B AH K AH S"), (b"abandon", b"AH B AE N D AH N"), (b"abbey", b"AE B IY"),
    (b"abbot", b"AE B AH T")])
FEAT_PARAMS = b"-lowerf 130\n-upperf 6800\n-feat 1s_c_d_dd\n-model ptm\n"
ARPA = b"\\data\\\nngram 1=91\nngram 2=212\n\n\\1-grams:\n-0.9129 </s> -0.3010\n"
DMP = (struct.pack("<i", 17) + b"Darpa Trigram LM\0" + struct.pack("<i", 10) + b"turtle.lm\0"
       + struct.pack("<iii", -1, 0, 0) + struct.pack("<4i", 5, 4, 3, 0) + bytes(32))

VOICE = "usr/share/festival/voices/hindi/xx_test_diphone"
SPHINX = "usr/share/pocketsphinx/model/en-us/en-us"

#: path, bytes, family, fields the file must show, unit
SAMPLES: list[tuple[str, bytes, str, dict[str, str], str | None]] = [
    (f"{SPHINX}/means", s3(), "sphinx-acoustic-model",
     {"member": "s3 parameters", "s3.version": "1.0", "byte-order": "little-endian"}, SPHINX),
    (f"{SPHINX}/feat.params", FEAT_PARAMS, "sphinx-acoustic-model",
     {"feat.feat": "1s_c_d_dd", "feat.model": "ptm", "architecture": "HMM (ptm)"}, SPHINX),
    (f"{SPHINX}/noisedict", b"<s> SIL\n</s> SIL\n[NOISE] +NSN+\n", "sphinx-acoustic-model",
     {"member": "noisedict"}, SPHINX),
    ("usr/share/pocketsphinx/model/en-us/en-us.lm.bin", TRIE, "sphinx-trie-lm",
     {"order": "3", "ngram.1": "43", "ngram.3": "21"}, None),
    ("usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict", CMUDICT, "sphinx-dictionary",
     {"entries": "11", "phones": "17"}, None),
    ("usr/share/sphinx/turtle.lm", ARPA, "arpa-lm", {"order": "2", "ngram.2": "212"}, None),
    ("usr/share/sphinx/turtle.lm.DMP", DMP, "sphinx-dmp-lm",
     {"source": "turtle.lm", "ngram.1": "5"}, None),
    ("usr/share/hts-voice/x/x.htsvoice", htsvoice(), "hts-voice",
     {"version": "1.0", "sampling-frequency": "48000", "states": "5",
      "description": "a test voice", "vector-length.MCP": "35", "pdf-bytes": "60",
      "architecture": "HSMM, 5 states, streams MCP,LF0"}, None),
    (f"{VOICE}/hts/x.htsvoice", htsvoice(), "hts-voice", {"version": "1.0"}, VOICE),
    (f"{VOICE}/festvox/xx_test_diphone.scm", VOICE_SCM, "festival-voice",
     {"voice": "xx_test_diphone", "language": "hindi", "gender": "male",
      "description": "A test voice.", "builtwith": "festvox-1.2", "synthesis": "UniSyn",
      "copyright": "Copyright (c) 2005, Some Lab <speech@example.org>"}, VOICE),
    (f"{VOICE}/festvox/xx_dur.scm", DUR_SCM, "festival-cart-tree",
     {"defines": "xx::phone_durs, xx::zdur_tree",
      "training": "Duration models autotrained by festvox"}, VOICE),
    (f"{VOICE}/festival/trees/a.tree", SELECTION_TREE, "festival-cart-tree", {}, VOICE),
    ("usr/share/festival/dicts/cmu/cmu_lts_rules.scm", LTS_SCM, "festival-lts-rules",
     {"training": "derived from CMUDICT 0.4", "parameters": "50952 tree nodes",
      "accuracy": "phones 89.57%, words 51.64%"}, "usr/share/festival/dicts/cmu"),
    (f"{VOICE}/group/xxlpc.group", est_index(GROUPED), "festival-diphone-database",
     {"entries": "3", "index": "xx_lpc", "data-format": "grouped",
      "track-format": "est_binary"}, VOICE),
    (f"{VOICE}/festival/clunits/xx.catalogue", est_index(), "festival-unit-catalogue",
     {"entries": "3", "index": "xx_lpc"}, VOICE),
    ("usr/share/festival/dicts/cmu/cmudict-0.4.out", MNCL_PRON, "festival-lexicon",
     {"lexicon": "pronunciations", "compiled": "yes"}, "usr/share/festival/dicts/cmu"),
    ("usr/share/festival/dicts/wsj.wp39.poslexR", MNCL_POS, "festival-lexicon",
     {"lexicon": "part-of-speech probabilities"}, None),
    ("usr/share/festival/dicts/wsj.wp39.tri.ngrambin", NGRAMBIN, "est-ngram",
     {"order": "3", "vocabulary": "6"}, None),
    ("usr/share/pico/lang/en-US_lh0_sg.bin", pico(), "pico-signal-generation",
     {"language": "en-US", "version": "1.1.0.0-0-2", "content-type": "SIGGEN",
      "knowledge-bases": "DT_DUR, DT_MGC1, PDF_DUR, PDF_MGC, FST_SPHO_2",
      "architecture": "2 decision trees, 2 Gaussian PDF sets, 1 transducer"}, None),
    ("usr/share/pico/lang/en-US_ta.bin", pico(b"TEXTANA"), "pico-text-analysis",
     {"content-type": "TEXTANA", "date": "2009-12-09"}, None),
]


def candidate(path: str, data: bytes) -> Candidate:
    return Candidate(path, len(data), data[:RECOGNISE_BYTES], lambda: io.BytesIO(data))


def recognise(path: str, data: bytes) -> Recognised | None:
    return families.recognise(candidate(path, data))


# -- the data --------------------------------------------------------------------------------


def test_every_family_names_a_recogniser_of_this_module_and_a_sample() -> None:
    for fam in SPEECH.values():
        module, _, func = fam.recogniser.partition(".")
        assert module == "speech_families" and callable(getattr(speech_families, func))
        assert fam.names or fam.magic, fam.id
        assert fam.reason and fam.doc and fam.domain == "speech"
    assert {s[2] for s in SAMPLES} == set(SPEECH)


def test_kinds_say_what_is_trained() -> None:
    models = {i for i, f in SPEECH.items() if f.kind == "model"}
    assert models == {"sphinx-acoustic-model", "hts-voice", "festival-voice",
                      "festival-cart-tree", "festival-lts-rules", "pico-text-analysis",
                      "pico-signal-generation"}
    assert "recorded speech" in SPEECH["festival-diphone-database"].reason


# -- synthetic files ---------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "data", "family", "fields", "unit"), SAMPLES,
                         ids=[s[0].rpartition("/")[2] for s in SAMPLES])
def test_recognised_by_content(path: str, data: bytes, family: str, fields: dict[str, str],
                               unit: str | None) -> None:
    found = recognise(path, data)
    assert found is not None
    assert (found.family, found.how, found.unit) == (family, "content", unit)
    assert {k: found.fields.get(k) for k in fields} == fields
    assert found.findings == ()


@pytest.mark.parametrize(("path", "data"), [
    (f"{VOICE}/festvox/xx_phrasing.scm", PHRASE_SCM),         # hand-written rules
    (f"{VOICE}/festvox/build_prosody.scm", BUILD_SCM),        # a tree in strings
    (f"{VOICE}/festvox/xx_tokenizer.scm", b"(define (xx::select_tokenizer) t)\n" * 20),
    ("usr/share/festival/voices/us/other/festvox/other_clunits.scm",
     b"(define (voice_leftover_clunits) t)\n"),               # not the directory's voice
    (f"{SPHINX}/means", b"s3\n\x00\x01\x02binary"),
    (f"{SPHINX}/feat.params", b"lowerf 130\nthis is prose\n"),
    ("usr/share/doc/x/words.dict", b"".join(b"word%d other%d\n" % (i, i) for i in range(300))),
    ("usr/share/doc/x/README.dict", b"A dictionary of words, see below.\n"),
    ("etc/bind/1.168.192.in-addr.arpa", b"$TTL 86400\n@ IN SOA ns1. host. (\n"),
    ("x/x.htsvoice", b"[GLOBAL]\nNAME=not hts\n[DATA]\n"),
    ("x/settings.ini", b"[GLOBAL]\nkey=value\n"),
    ("usr/share/pico/lang/en-US_ta.bin", pico(b"USERLEX")),    # neither kind of lingware
    ("usr/share/pico/lang/xx_sg.bin", b"\x00" * 200),
    (f"{VOICE}/group/x.group", b"EST_File index\nNumEntries many\nEST_Header_End\n"),
    ("x/track.est", b"EST_File Track\nDataType binary\nEST_Header_End\n"),
    ("usr/share/festival/dicts/cmu/cmulex.scm", b'(lex.create "cmu")\n(lex.set.phoneset "radio")\n'),
    ("x/lm.bin", b"Trie Language Model" + bytes([9]) + bytes(40)),
    ("x/n.ngrambin", b"NgramBin_2 x\n"),
], ids=lambda v: v.rpartition("/")[2] if isinstance(v, str) else "")
def test_refused(path: str, data: bytes) -> None:
    assert recognise(path, data) is None


def test_pico_length_is_checked_against_the_file() -> None:
    found = recognise("usr/share/pico/lang/en-US_lh0_sg.bin", pico(extra=10))
    assert found is not None and found.how == "content"
    assert [f.code for f in found.findings] == ["truncated"]


def test_hts_positions_past_the_data_are_a_truncated_voice() -> None:
    found = recognise("x/x.htsvoice", htsvoice(last=150))
    assert found is not None and found.family == "hts-voice"
    assert [f.code for f in found.findings] == ["truncated"]
    assert "STREAM_TREE.MCP" in found.findings[0].message


def test_arpa_preamble_longer_than_the_head_is_read_further() -> None:
    data = b"# an ARPA-format model\n" + b"#" * RECOGNISE_BYTES + b"\n" + ARPA
    found = recognise("x/turtle.lm", data)
    assert found is not None and (found.family, found.how) == ("arpa-lm", "content")
    closed = Candidate("x/turtle.lm", len(data), data[:RECOGNISE_BYTES], _refuses)
    named = speech_families.arpa_lm(closed)
    assert named is not None and named.how == "name"       # ARPA said, \data\ unseen


def _refuses() -> io.BytesIO:
    raise OSError("the middle of a .deb member")


# -- hostile input ----------------------------------------------------------------------------


def _variants(data: bytes, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out = [b"", data[:1], data[:len(data) // 2], bytes(rng.randrange(256) for _ in range(300))]
    for _ in range(30):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            pos = rng.randrange(len(mutated))
            action = rng.choice(["flip", "cut", "big"])
            if action == "flip":
                mutated[pos] = rng.randrange(256)
            elif action == "cut":
                del mutated[pos:]
                if not mutated:
                    break
            else:
                mutated[pos:pos + 4] = struct.pack("<I", rng.choice([2**31, 2**32 - 1]))
        out.append(bytes(mutated))
    return out


@pytest.mark.parametrize(("path", "data"), [(s[0], s[1]) for s in SAMPLES],
                         ids=[s[0].rpartition("/")[2] for s in SAMPLES])
def test_damaged_files_never_raise(path: str, data: bytes) -> None:
    funcs: list[Callable[[Candidate], Recognised | None]] = [
        getattr(speech_families, f.recogniser.partition(".")[2]) for f in SPEECH.values()]
    for i, variant in enumerate(_variants(data, zlib.crc32(path.encode()))):
        for func in funcs:
            found = func(candidate(path, variant))
            if i < 2 or i == 3:     # empty, one byte, garbage
                assert found is None or found.how != "content", (func, variant)
        head_only = Candidate(path, len(variant) + 10**9, variant, _refuses)
        for func in funcs:
            func(head_only)


# -- the real packages ----------------------------------------------------------------------------

REAL = {
    "pocketsphinx-en-us": {"sphinx-acoustic-model", "sphinx-trie-lm", "sphinx-dictionary"},
    "festvox-us-slt-hts": {"hts-voice", "festival-voice", "festival-cart-tree"},
    "festvox-ca-ona-hts": {"hts-voice", "festival-voice"},
    "festvox-hi-nsk": {"festival-voice", "festival-cart-tree", "festival-diphone-database"},
    "festvox-ru": {"festival-voice", "festival-cart-tree", "festival-unit-catalogue",
                   "festival-lexicon"},
    "hts-voice-nitech-jp-atr503-m001": {"hts-voice"},
    "libttspico-data": {"pico-text-analysis", "pico-signal-generation"},
    "festlex-cmu": {"festival-lts-rules", "festival-lexicon"},
    "festlex-poslex": {"festival-lexicon", "est-ngram"},
}
NEGATIVE = ["fonts-dejavu-core", "sound-theme-freedesktop", "desktop-base", "firmware-realtek",
            "hunspell-en-us", "proj-data", "geoip-database", "libcommons-lang3-java",
            "python3-joblib", "python3-sklearn"]


@pytest.mark.parametrize("package", sorted(REAL))
def test_real_packages_yield_their_families(package: str) -> None:
    found = recognised_members(archive_deb(package))
    mine = {p: r for p, r in found.items() if r.family in SPEECH}
    assert REAL[package] <= {r.family for r in mine.values()}
    assert all(r.how == "content" for r in mine.values())
    for path, r in mine.items():
        if path.startswith("usr/share/festival/voices/"):
            assert r.unit == "/".join(path.split("/")[:6]), path


def test_real_voice_fields() -> None:
    nitech = recognised_members(archive_deb("hts-voice-nitech-jp-atr503-m001"))
    [voice] = nitech.values()
    assert {k: voice.fields[k] for k in ("version", "sampling-frequency", "states",
                                         "stream-type", "fullcontext-format")} == {
        "version": "1.0", "sampling-frequency": "48000", "states": "5",
        "stream-type": "MCP,LF0,LPF", "fullcontext-format": "HTS_TTS_JPN"}
    assert voice.findings == ()
    ru = recognised_members(archive_deb("festvox-ru"))
    definition = ru["usr/share/festival/voices/russian/msu_ru_nsh_clunits/festvox/"
                    "msu_ru_nsh_clunits.scm"]
    assert (definition.family, definition.fields["language"],
            definition.fields["synthesis"]) == ("festival-voice", "russian", "Cluster")
    # the hand-written phrasing tree and the build scripts are not trained trees
    assert not any(p.endswith(("_phrasing.scm", "build_prosody.scm")) for p in ru)


@pytest.mark.parametrize("package", NEGATIVE)
def test_negative_packages_have_no_speech_model(package: str) -> None:
    models = {i for i, f in SPEECH.items() if f.kind == "model"}
    found = recognised_members(archive_deb(package))
    assert not {p: r.family for p, r in found.items() if r.family in models}
