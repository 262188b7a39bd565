"""The language families (data/families/language.yaml, formats/language_families.py).

Every input of the first part is built here, small, after the layouts read
from the Debian packages and their upstream readers (MeCab dictionary.cpp,
libkkc's sorted-trigram model, SunPinyin's CThreadSlm, libpinyin's phrase
chunks, PaddlePaddle's LoDTensor); each has hostile twins (truncated,
garbage, empty) that must neither raise nor be confirmed by content.  The
second part walks the real packages of tools/archive-packages.list when
AIMODEL_ARCHIVE_DEBS names their directory.
"""

from __future__ import annotations

import io
import math
import pickle
import random
import struct
from collections.abc import Callable
from typing import BinaryIO

import pytest
from conftest import archive_deb, routed_members
from hypothesis import given, settings
from hypothesis import strategies as st

from dh_aimodel.formats import families as fam
from dh_aimodel.formats import language_families as lang
from dh_aimodel.formats.families import RECOGNISE_BYTES, Candidate, Recognised

# -- builders -------------------------------------------------------------------------


def cand(path: str, data: bytes, opener: Callable[[], BinaryIO] | None = None,
         size: int | None = None) -> Candidate:
    """A candidate as lint builds it: the head, the size, a stream over the whole file."""
    return Candidate(path, len(data) if size is None else size, data[:RECOGNISE_BYTES],
                     opener or (lambda: io.BytesIO(data)))


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def mecab_dic(kind: int = 0, lexsize: int = 3, charset: bytes = b"UTF-8", order: str = "<",
              sections: tuple[int, int, int] = (16, 8, 8)) -> bytes:
    """dictionary.cpp's header: magic = size ^ 0xef718f77, version 102, the type, the sizes."""
    size = 72 + sum(sections)
    header = struct.pack(f"{order}10I", size ^ 0xEF718F77, 102, kind, lexsize, 5, 6,
                         *sections, 0)
    return header + charset.ljust(32, b"\0") + bytes(sum(sections))


def matrix_bin(left: int = 3, right: int = 4) -> bytes:
    return struct.pack("<2H", left, right) + bytes(2 * left * right)


def char_bin(names: tuple[bytes, ...] = (b"DEFAULT", b"SPACE")) -> bytes:
    return (struct.pack("<I", len(names)) + b"".join(n.ljust(32, b"\0") for n in names)
            + bytes(4 * 0xFFFF))


LEXICON = ('畿内,1285,1285,5770,名詞,一般,*,*,*,*,畿内,キナイ,キナイ\n'
           '",",10,10,100,記号,読点,*,*,*,*,",",、,、\n').encode("euc-jp")
MECAB_SOURCES = {
    "Noun.csv": LEXICON,
    "matrix.def": b"2 2\n0 0 -434\n0 1 1\n1 0 -1630\n1 1 24\n",
    "unk.def": "DEFAULT,5,5,4769,記号,一般,*,*,*,*,*\nKANJI,1285,1285,11426,名詞,一般,*,*,*,*,*\n"
               .encode("euc-jp"),
    "char.def": b"# categories\nDEFAULT 0 1 0  # mandatory\nKANJI 0 0 2\n\n"
                b"0x4E00..0x9FA5 KANJI\n0x0020 SPACE\n",
    "dicrc": b"; settings\ncost-factor = 800\nconfig-charset = EUC-JP\n",
    "feature.def": b"# templates\nUNIGRAM U1:%F[0]\nBIGRAM B00:%L[0]/%R[0]\n",
    "rewrite.def": b"# rules\n[unigram rewrite]\n*,*,*  $1,$2,$3\n[left rewrite]\n",
    "left-id.def": "0 BOS/EOS,*,*,*,*,*,BOS/EOS\n1 その他,間投,*,*,*,*,*\n".encode("euc-jp"),
    "pos-id.def": "その他,間投,*,* 0\nフィラー,*,*,* 1\n".encode("utf-8"),
}


def kkc_records(records: list[tuple[int, int]], size: int) -> bytes:
    """n-gram records: the little-endian id and context, then costs, ``size`` bytes each."""
    return b"".join(struct.pack("<II", i, p) + bytes(size - 8) for i, p in records)


SLM_TABLES = 4 * ((1 << 16) + (1 << 14))


def t3g(levels: tuple[int, ...] = (2, 4, 6), log_pr: int = 0, order: str = "<") -> bytes:
    """CThreadSlm: N, use-log-pr, N + 1 level sizes, the tables, 12-byte nodes, 8-byte leaves."""
    n = len(levels) - 1
    return (struct.pack(f"{order}{n + 3}I", n, log_pr, *levels)
            + bytes(SLM_TABLES + 12 * sum(levels[:n]) + 8 * levels[n]))


def pydict(words: tuple[str, ...] = ("", "中文")) -> bytes:
    strings = b"".join((w + "\0").encode("utf-32-le") for w in words)
    nodes = bytes(8)
    return struct.pack("<3I", len(words), 1, 12 + len(nodes)) + nodes + strings


def phrase_chunk(phrases: int = 3, total: int = 42) -> bytes:
    """libpinyin's MemoryChunk: length, checksum; total frequency, offsets 17, index, end."""
    index = bytes(4 * phrases) + b"#"
    content = b"abc#"
    second = 17 + len(index)
    end = second + len(content)
    body = struct.pack("<4I", total, 17, second, end) + b"#" + index + content
    return struct.pack("<II", len(body), 0x1234) + body


def berkeley_db(magic: int = 0x061561, order: str = "<") -> bytes:
    return bytes(12) + struct.pack(f"{order}3I", magic, 9, 4096) + bytes(4096 - 24)


TABLE_CONF = (b"binary format version:7\nmodel data version:14\nlambda parameter:0.312699\n\n"
              b"source table format:pinyin\ndefault GB_DICTIONARY gb_char.table gb_char.bin\n")


def paddle(dims: tuple[int, ...] = (2, 3), dtype: int = 5, width: int = 4,
           extra: int = 0) -> bytes:
    """One LoDTensor: version 0, LoD level 0, tensor version 0, a TensorDesc, the elements."""
    desc = b"\x08" + varint(dtype) + b"".join(b"\x10" + varint(d) for d in dims)
    return (bytes(4) + struct.pack("<Q", 0) + bytes(4) + struct.pack("<i", len(desc)) + desc
            + bytes(width * math.prod(dims) + extra))


def langdetect(entries: int = 3, name: str = "xx") -> bytes:
    freq = ",".join(f'"g{i}":{i + 1}' for i in range(entries))
    return ('{"freq":{' + freq + '},"n_words":[10,20,30],"name":"' + name + '"}').encode()


D = "usr/share/mecab/dic/test"
JD = "usr/lib/python3/dist-packages/jieba"
KKC = "usr/lib/x86_64-linux-gnu/libkkc/models/sorted3"
SUN = "usr/lib/x86_64-linux-gnu/sunpinyin/data"
PIN = "usr/lib/x86_64-linux-gnu/libpinyin/data"
TC = "usr/share/libexttextcat"
LD = "usr/lib/python3/dist-packages/langdetect/profiles"
PD = f"{JD}/lac_small/model_baseline"

#: path, bytes, family, how, fields expected among the finding's (all of them must match).
GOOD: list[tuple[str, bytes, str, str, dict[str, str]]] = [
    (f"{D}/sys.dic", mecab_dic(), "mecab-dictionary", "content",
     {"version": "102", "charset": "UTF-8", "entries": "3", "context-ids": "5 left, 6 right",
      "architecture": "MeCab compiled dictionary (system)"}),
    (f"{D}/unk.dic", mecab_dic(kind=2, charset=b"EUC-JP", order=">"), "mecab-dictionary",
     "content", {"charset": "EUC-JP", "byte-order": "big-endian",
                 "architecture": "MeCab compiled dictionary (unknown-word)"}),
    (f"{D}/matrix.bin", matrix_bin(), "mecab-dictionary", "content",
     {"parameters": "12 connection costs", "context-ids": "3 left, 4 right"}),
    (f"{D}/char.bin", char_bin(), "mecab-dictionary", "content", {"categories": "2"}),
    (f"{D}/Noun.csv", MECAB_SOURCES["Noun.csv"], "mecab-dictionary", "content",
     {"charset": "EUC-JP", "entries": "2"}),
    (f"{D}/matrix.def", MECAB_SOURCES["matrix.def"], "mecab-dictionary", "content",
     {"parameters": "4 connection costs"}),
    (f"{D}/unk.def", MECAB_SOURCES["unk.def"], "mecab-dictionary", "content",
     {"architecture": "MeCab unknown-word costs", "charset": "EUC-JP"}),
    (f"{D}/char.def", MECAB_SOURCES["char.def"], "mecab-dictionary", "content", {}),
    (f"{D}/dicrc", MECAB_SOURCES["dicrc"], "mecab-dictionary", "content",
     {"charset": "EUC-JP", "cost-factor": "800"}),
    (f"{D}/feature.def", MECAB_SOURCES["feature.def"], "mecab-dictionary", "content",
     {"training": "CRF (mecab-cost-train) feature templates"}),
    (f"{D}/rewrite.def", MECAB_SOURCES["rewrite.def"], "mecab-dictionary", "content", {}),
    (f"{D}/left-id.def", MECAB_SOURCES["left-id.def"], "mecab-dictionary", "content",
     {"charset": "EUC-JP"}),
    (f"{D}/pos-id.def", MECAB_SOURCES["pos-id.def"], "mecab-dictionary", "content",
     {"charset": "UTF-8"}),
    (f"{KKC}/metadata.json",
     b'{"name": "sorted3", "description": "binary based 3-gram dictionary", "type": "sorted3"}',
     "kkc-language-model", "content",
     {"order": "3", "description": "binary based 3-gram dictionary"}),
    (f"{KKC}/data.input", b"We love Marisa.\0" + bytes(64), "kkc-language-model", "content",
     {}),
    (f"{KKC}/data.2gram", kkc_records([(0, 0), (0, 1), (1, 0), (2, 5)], 12),
     "kkc-language-model", "content", {"order": "2", "entries": "4"}),
    (f"{KKC}/data.3gram", kkc_records([(0, 7), (1, 0), (1, 3)], 10),
     "kkc-language-model", "content", {"order": "3", "entries": "3"}),
    (f"{KKC}/data.1gram", bytes(6 * 5), "kkc-language-model", "name", {"entries": "5"}),
    (f"{KKC}/data.2gram.filter", bytes(64), "kkc-language-model", "name", {}),
    (f"{SUN}/lm_sc.t3g", t3g(), "sunpinyin-language-model", "content",
     {"order": "2", "ngrams": "1=3 2=5", "probabilities": "linear"}),
    (f"{SUN}/lm_be.t3g", t3g((2, 3, 4, 5), log_pr=1, order=">"), "sunpinyin-language-model",
     "content", {"order": "3", "probabilities": "log", "byte-order": "big-endian"}),
    (f"{SUN}/pydict_sc.bin", pydict(), "sunpinyin-language-model", "content",
     {"entries": "2"}),
    (f"{PIN}/table.conf", TABLE_CONF, "libpinyin-language-model", "content",
     {"version": "binary format 7, model data 14", "lambda": "0.312699"}),
    (f"{PIN}/bigram.db", berkeley_db(), "libpinyin-language-model", "content",
     {"architecture": "Berkeley DB hash", "version": "9", "role": "bigram frequencies"}),
    (f"{PIN}/pinyin_index.bin", berkeley_db(0x053162, ">"), "libpinyin-language-model",
     "content", {"architecture": "Berkeley DB btree", "role": "pinyin index"}),
    (f"{PIN}/art.bin", phrase_chunk(), "libpinyin-language-model", "content",
     {"entries": "3", "total-frequency": "42"}),
    (f"{JD}/dict.txt", "AT&T 3 nz\nB超 3 n\n劳动 100\n".encode(), "jieba-dictionary",
     "content", {"entries": "3"}),
    (f"{JD}/analyse/idf.txt", "劳动防护 13.900677652\n生化学 1.5e+01\n".encode(),
     "jieba-idf", "content", {"entries": "2"}),
    (f"{JD}/finalseg/prob_start.py",
     b"P={'B': -0.26268660809250016,\n 'E': -3.14e+100,\n 'M': -3.14e+100,\n 'S': -1.46}\n",
     "jieba-hmm", "content", {"table": "start", "architecture": "hidden Markov model (B E M S)"}),
    (f"{JD}/posseg/prob_trans.py",
     b"from __future__ import unicode_literals\n\nP={('B', 'a'): {('E', 'a'): -0.005}}\n",
     "jieba-hmm", "content",
     {"table": "transition", "architecture": "hidden Markov model (B E M S x part-of-speech)"}),
    (f"{JD}/finalseg/prob_emit.p", pickle.dumps({"B": {"\u4e00": -3.65}}, protocol=0),
     "jieba-hmm", "content", {"table": "emission", "serialisation": "pickle (not loaded)"}),
    (f"{JD}/posseg/char_state_tab.p",
     pickle.dumps({"\u4e00": (("B", "m"), ("S", "m"))}, protocol=2), "jieba-hmm", "content",
     {"table": "char-state"}),
    (f"{JD}/finalseg/prob_trans.p", pickle.dumps({"B": {"E": -0.51}}, protocol=4),
     "jieba-hmm", "content", {"table": "transition"}),
    (f"{PD}/fc_0.w_0", paddle((128, 6)), "paddle-parameters", "content",
     {"parameters": "768", "dtype": "float32", "shape": "128x6"}),
    (f"{PD}/word_emb", paddle((20941, 2), dtype=4, width=2), "paddle-parameters", "content",
     {"parameters": "41882", "dtype": "float16", "shape": "20941x2"}),
    (f"{TC}/en.lm", b"_\t20326\ne\t6617\nth\t4843\n", "textcat-fingerprint", "content",
     {"language": "en", "entries": "3", "architecture": "n-gram fingerprint (counts)"}),
    (f"{TC}/ja.lm", "_\n_\u3000\n\u3000「\n".encode(), "textcat-fingerprint", "content",
     {"language": "ja", "architecture": "n-gram fingerprint (ranks)"}),
    (f"{TC}/fpdb.conf", b"# comment\nzh-Hans.lm  zh-CN-utf8  #zh-Hans\nen.lm en--utf8\n",
     "textcat-fingerprint", "content", {"entries": "2"}),
    (f"{LD}/en", langdetect(name="en"), "langdetect-profile", "content",
     {"language": "en", "order": "3", "training": "n-grams counted: 1=10, 2=20, 3=30"}),
]


def _ids(case: tuple[str, bytes, str, str, dict[str, str]]) -> str:
    return case[0].rpartition("/")[2] + "-" + case[2]


# -- synthetic files: recognised with the right family, how, fields and unit ----------

@pytest.mark.parametrize("case", GOOD, ids=_ids)
def test_recognised(case: tuple[str, bytes, str, str, dict[str, str]]) -> None:
    path, data, family, how, fields = case
    found = fam.recognise(cand(path, data))
    assert found is not None
    assert (found.family, found.how) == (family, how)
    assert {k: found.fields.get(k) for k in fields} == fields
    assert all(isinstance(v, str) and v for v in found.fields.values())
    single = family in ("jieba-dictionary", "jieba-idf")
    assert found.unit == (None if single else path.rpartition("/")[0])


def test_every_family_of_the_group_is_exercised() -> None:
    mine = {f.id for f in fam.families().values()
            if f.recogniser.startswith("language_families.")}
    assert mine == {case[2] for case in GOOD}
    for f in fam.families().values():
        if f.id in mine:
            assert f.reason and f.kind in ("model", "table")


def test_judgements() -> None:
    """CRF-trained costs, HMMs and neural weights are models; counts and profiles tables."""
    kinds = {f.id: f.kind for f in fam.families().values()}
    models = ("mecab-dictionary", "jieba-hmm", "paddle-parameters")
    assert [kinds[k] for k in models] == ["model"] * len(models)
    tables = ("kkc-language-model", "sunpinyin-language-model", "libpinyin-language-model",
              "jieba-dictionary", "jieba-idf", "textcat-fingerprint", "langdetect-profile")
    assert [kinds[k] for k in tables] == ["table"] * len(tables)


def test_a_large_profile_is_named_by_its_tail() -> None:
    """A profile longer than the head: n_words and name come from the tail, read through
    open(); when the tail cannot be read (a .deb member's middle) only the name tells."""
    data = langdetect(entries=9000, name="ko")
    assert len(data) > RECOGNISE_BYTES
    found = fam.recognise(cand(f"{LD}/ko", data))
    assert found is not None and found.how == "content"
    assert found.fields["language"] == "ko" and found.fields["order"] == "3"

    def unreadable() -> BinaryIO:
        raise OSError("the middle of a .deb member")

    found = fam.recognise(cand(f"{LD}/ko", data, opener=unreadable))
    assert found is not None and found.how == "name" and "language" not in found.fields


def test_a_pytrie_tail_that_cannot_be_read_is_by_name() -> None:
    data = pydict(("", "中文") + ("字",) * 20000)
    assert len(data) > RECOGNISE_BYTES

    def unreadable() -> BinaryIO:
        raise OSError("gone")

    found = lang.sunpinyin_language_model(cand(f"{SUN}/pydict_sc.bin", data, unreadable))
    assert found is not None and found.how == "name"
    found = lang.sunpinyin_language_model(cand(f"{SUN}/pydict_sc.bin", data))
    assert found is not None and found.how == "content"


def test_pickles_are_matched_not_loaded() -> None:
    """jieba's .p files are pickles: the recognisers match their opcodes as bytes and
    have no way to load one (the module does not import pickle)."""
    assert "pickle" not in vars(lang)
    evil = b"cos\nsystem\n(S'B'\ntR."   # a pickle that would run os.system('B')
    assert lang.jieba_hmm(cand(f"{JD}/finalseg/prob_start.p", evil)) is None


def test_counts_need_the_whole_file() -> None:
    """Entry counts come from a head that is the whole file, never from a part of it."""
    data = "劳动 100\n".encode() * 10000
    found = lang.jieba_dictionary(cand(f"{JD}/dict.txt", data))
    assert found is not None and found.how == "content" and "entries" not in found.fields


# -- what the bytes contradict ----------------------------------------------------------

BAD: list[tuple[str, bytes]] = [
    (f"{D}/sys.dic", mecab_dic()[:-1]),                           # size no longer fits magic
    (f"{D}/sys.dic", b"\x00" * 4 + mecab_dic()[4:]),              # wrong magic
    (f"{D}/user.dic", mecab_dic(kind=7)),                         # no such type
    (f"{D}/matrix.bin", matrix_bin() + b"\0\0"),
    (f"{D}/char.bin", char_bin((b"default", b"SPACE"))),          # lower-case category
    (f"{D}/Noun.csv", b"surface,a,b,c,d\n"),
    (f"{D}/matrix.def", b"2 2\n0 0 x\n"),
    (f"{D}/unk.def", "漢字,1,1,1,名詞\n".encode()),                 # not a category name
    (f"{D}/char.def", b"KANJI 0 0 2\n"),                          # DEFAULT is mandatory
    (f"{D}/dicrc", b"just words\n"),
    (f"{D}/feature.def", b"TRIGRAM x\n"),
    (f"{D}/rewrite.def", b"[something]\n"),
    (f"{D}/left-id.def", b"x BOS/EOS\n"),
    (f"{D}/README", b"MeCab dictionary\n"),
    (f"{D}/sys.dic", b"\xff" * 100),
    (f"{KKC}/metadata.json", b'{"type": "neural"}'),
    (f"{KKC}/metadata.json", b"[" * 5000),
    (f"{KKC}/data.input", b"We hate Marisa.\0"),
    (f"{KKC}/data.2gram", kkc_records([(0, 1), (0, 0)], 12)),     # not sorted
    (f"{KKC}/data.3gram", bytes(11)),                             # not whole records
    (f"{SUN}/lm_sc.t3g", t3g()[:-8]),
    (f"{SUN}/lm_sc.t3g", struct.pack("<2I", 99, 0) + bytes(64)),
    (f"{SUN}/pydict_sc.bin", struct.pack("<3I", 5, 1, 10 ** 9)),
    (f"{SUN}/pydict_sc.bin", pydict()[:-4] + b"\xff\xff\xff\xff"),  # not UTF-32 ending in NUL
    (f"{PIN}/table.conf", b"lambda parameter:0.3\n"),
    (f"{PIN}/art.bin", phrase_chunk()[:-1]),
    (f"{PIN}/art.bin", phrase_chunk()[:24] + b"X" + phrase_chunk()[25:]),  # no '#'
    (f"{PIN}/bigram.db", berkeley_db()[:-1]),                     # not whole pages
    (f"{JD}/dict.txt", b"hello world foo bar\n"),
    (f"{JD}/analyse/idf.txt", b"word notanumber\n"),
    (f"{JD}/finalseg/prob_start.py", b"import os\nos.system('x')\n"),
    (f"{JD}/finalseg/prob_start.p", pickle.dumps([1, 2, 3], protocol=0)),
    (f"{JD}/finalseg/viterbi.py", b"P={'B': 1}\n"),               # not one of the tables
    (f"{PD}/fc_0.w_0", paddle((2, 3), extra=1)),                   # elements do not fill it
    (f"{PD}/fc_0.w_0", paddle((2, 3), dtype=99)),
    (f"{PD}/fc_0.w_0", b"\1" + paddle()[1:]),
    (f"{TC}/en.lm", b"\\data\\\nngram 1=5\n"),                     # an ARPA model
    (f"{TC}/en.lm", b"_\t20\ne\n"),                                # counts and ranks mixed
    (f"{TC}/fpdb.conf", b"not a list\n"),
    (f"{LD}/en", b'["freq"]'),
]


@pytest.mark.parametrize(("path", "data"), BAD,
                         ids=[f"{i}-{p.rpartition('/')[2]}" for i, (p, _) in enumerate(BAD)])
def test_contradicted(path: str, data: bytes) -> None:
    assert _mine(fam.recognise(cand(path, data))) is None


def _mine(found: Recognised | None) -> Recognised | None:
    """The finding if it is of this group's families (another group may claim a file)."""
    if found is None:
        return None
    f = fam.families()[found.family]
    return found if f.recogniser.startswith("language_families.") else None


def _recognisers() -> list[Callable[[Candidate], Recognised | None]]:
    return [lang.mecab_dictionary, lang.kkc_language_model, lang.sunpinyin_language_model,
            lang.libpinyin_language_model, lang.jieba_dictionary, lang.jieba_idf,
            lang.jieba_hmm, lang.paddle_parameters, lang.textcat_fingerprint,
            lang.langdetect_profile]


#: Binary formats whose header fixes the file's size: a file cut short (its size too)
#: is never confirmed by content.  (Text, tries and n-gram records stay valid when cut
#: at a line or record boundary.)
BINARY = [case for case in GOOD
          if case[0].endswith((".dic", ".bin", ".t3g", ".db", ".w_0", "word_emb"))]


@pytest.mark.parametrize("case", BINARY, ids=_ids)
def test_truncated_binary_is_not_content(case: tuple[str, bytes, str, str, dict[str, str]]
                                         ) -> None:
    path, data = case[0], case[1]
    for cut in sorted({0, 1, 7, 16, 23, len(data) // 2, len(data) - 1}):
        found = fam.recognise(cand(path, data[:cut]))
        assert found is None or found.how != "content", cut


@pytest.mark.parametrize("case", GOOD, ids=_ids)
def test_hostile_variants_never_raise(case: tuple[str, bytes, str, str, dict[str, str]]
                                      ) -> None:
    """Empty, garbage and cut variants (cut heads of files that claim their full size,
    as a .deb member gives them): never an exception, never content for garbage."""
    path, data = case[0], case[1]
    rng = random.Random(len(data))
    garbage = bytes(rng.randrange(256) for _ in range(min(len(data), 4096)))
    assert fam.recognise(cand(path, b"")) is None
    found = fam.recognise(cand(path, garbage))
    assert found is None or found.how != "content"
    for cut in (1, 3, 17, len(data) // 3):
        fam.recognise(cand(path, data[:cut], size=len(data)))
        fam.recognise(cand(path, data[:cut]))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.sampled_from([case[0] for case in GOOD]))
def test_random_bytes_never_raise(data: bytes, path: str) -> None:
    for recogniser in _recognisers():
        recogniser(cand(path, data))
        recogniser(cand(path, data, size=len(data) + 10 ** 6))


# -- the real packages -------------------------------------------------------------------

#: package -> {member: (family, how, fields it must have)}, and the unit every file of
#: which must be recognised.
REAL: dict[str, tuple[str, dict[str, tuple[str, str, dict[str, str]]]]] = {
    "mecab-ipadic": ("usr/share/mecab/dic/ipadic", {
        "usr/share/mecab/dic/ipadic/dicrc": ("mecab-dictionary", "content",
                                             {"charset": "EUC-JP"}),
        "usr/share/mecab/dic/ipadic/feature.def": ("mecab-dictionary", "content", {}),
        "usr/share/mecab/dic/ipadic/Noun.csv": ("mecab-dictionary", "content",
                                                {"charset": "EUC-JP"}),
        "usr/share/mecab/dic/ipadic/matrix.def": ("mecab-dictionary", "content", {})}),
    "open-jtalk-mecab-naist-jdic": ("var/lib/mecab/dic/open-jtalk/naist-jdic", {
        "var/lib/mecab/dic/open-jtalk/naist-jdic/sys.dic": (
            "mecab-dictionary", "content", {"charset": "UTF-8", "version": "102"}),
        "var/lib/mecab/dic/open-jtalk/naist-jdic/matrix.bin": ("mecab-dictionary", "content",
                                                               {})}),
    "libkkc-data": ("usr/lib/x86_64-linux-gnu/libkkc/models/sorted3", {
        f"{KKC}/metadata.json": ("kkc-language-model", "content", {"order": "3"}),
        f"{KKC}/data.3gram": ("kkc-language-model", "content", {"order": "3"})}),
    "sunpinyin-data": (SUN, {
        f"{SUN}/lm_sc.t3g": ("sunpinyin-language-model", "content", {"order": "3"}),
        f"{SUN}/pydict_sc.bin": ("sunpinyin-language-model", "content", {})}),
    "libpinyin-data": (PIN, {
        f"{PIN}/table.conf": ("libpinyin-language-model", "content", {}),
        f"{PIN}/bigram.db": ("libpinyin-language-model", "content",
                             {"role": "bigram frequencies"}),
        f"{PIN}/gb_char.bin": ("libpinyin-language-model", "content", {})}),
    "python3-jieba": (PD, {
        f"{JD}/dict.txt": ("jieba-dictionary", "content", {}),
        f"{JD}/analyse/idf.txt": ("jieba-idf", "content", {}),
        f"{JD}/finalseg/prob_emit.p": ("jieba-hmm", "content",
                                       {"serialisation": "pickle (not loaded)"}),
        f"{JD}/posseg/prob_trans.py": ("jieba-hmm", "content", {}),
        f"{PD}/word_emb": ("paddle-parameters", "content", {"dtype": "float32"})}),
    "libexttextcat-data": (TC, {
        f"{TC}/ja.lm": ("textcat-fingerprint", "content", {"language": "ja"}),
        f"{TC}/fpdb.conf": ("textcat-fingerprint", "content", {})}),
    "python3-langdetect": (LD, {
        f"{LD}/en": ("langdetect-profile", "content", {"language": "en", "order": "3"})}),
}

NEGATIVE = ("fonts-dejavu-core", "sound-theme-freedesktop", "desktop-base", "firmware-realtek",
            "hunspell-en-us", "proj-data", "geoip-database", "libcommons-lang3-java",
            "python3-joblib", "python3-sklearn")


@pytest.mark.parametrize("package", sorted(REAL))
def test_real_package(package: str) -> None:
    unit, expected = REAL[package]
    found = routed_members(archive_deb(package, "*"))
    for path, (family, how, fields) in expected.items():
        got = found.get(path)
        assert got is not None, path
        assert (got.family, got.how) == (family, how), path
        assert {k: got.fields.get(k) for k in fields} == fields, path
    in_unit = {p: r for p, r in found.items() if p.startswith(unit + "/")}
    assert in_unit, unit
    assert [p for p, r in in_unit.items() if r is None or _mine(r) is None or r.unit != unit] == []


@pytest.mark.parametrize("package", NEGATIVE)
def test_negative_package(package: str) -> None:
    claimed = {p: r.family for p, r in routed_members(archive_deb(package, "*")).items()
               if _mine(r)}
    assert not claimed
