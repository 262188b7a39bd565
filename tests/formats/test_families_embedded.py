"""Models compiled into executables and libraries: dh_aimodel.formats.embedded_families.

Synthetic ELF files are built here (a 64-bit little-endian header, one
read-only PT_LOAD segment holding .dynstr and .dynsym, the section headers
at the end, as GNU ld lays them out) with the evidence of each family, and
fed to the scanner in pieces of several sizes so that every pattern is
split across piece borders somewhere.  Then the real packages
(AIMODEL_ARCHIVE_DEBS) yield their families, and ELF-heavy packages none.
"""

from __future__ import annotations

import io
import os
import random
import struct
from pathlib import Path

import pytest
from conftest import archive_deb, routed_candidates

from dh_aimodel.formats import families
from dh_aimodel.formats.embedded_families import EmbeddedScanner, recognise, scan_path
from dh_aimodel.formats.families import Candidate

# -- builders -------------------------------------------------------------------

NNUE_DESCRIPTION = b"Network trained with the https://github.com/official-stockfish/nnue-pytorch trainer."


def elf(defined: dict[str, int] | None = None, imported: tuple[str, ...] = (),
        body: bytes = b"", sections: bool = True) -> bytes:
    """An ELF64 LE shared object: ``defined`` symbols (name -> size) and
    ``imported`` ones in .dynsym, ``body`` after the symbol segment."""
    defined = defined or {}
    names = [*defined, *imported]
    dynstr = b"\0" + b"".join(n.encode() + b"\0" for n in names)
    offsets = {}
    at = 1
    for n in names:
        offsets[n] = at
        at += len(n) + 1
    dynsym = bytes(24) + b"".join(
        struct.pack("<IBBHQQ", offsets[n], 0x11, 0, 0 if n in imported else 12, 0x1000,
                    defined.get(n, 0)) for n in names)
    str_off = 64 + 56
    sym_off = str_off + len(dynstr)
    seg_end = sym_off + len(dynsym)
    shoff = seg_end + len(body)
    shdrs = bytes(64) + struct.pack("<IIQQQQIIQQ", 0, 11, 2, 0, sym_off, len(dynsym), 2, 1,
                                    8, 24) + struct.pack("<IIQQQQIIQQ", 0, 3, 2, 0, str_off,
                                                         len(dynstr), 0, 0, 1, 0)
    header = (b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack(
        "<HHIQQQIHHHHHH", 3, 62, 1, 0, 64, shoff if sections else 0, 0, 64, 56, 1, 64,
        3 if sections else 0, 0))
    phdr = struct.pack("<IIQQQQQQ", 1, 4, 0, 0, 0, seg_end, seg_end, 0x1000)
    return header + phdr + dynstr + dynsym + body + (shdrs if sections else b"")


def incbin(data: bytes, at: int) -> bytes:
    """``data`` as incbin lays it at file offset ``at`` (16-aligned): the data,
    the end byte 1, zeros to the next 16-byte boundary, the uint32 size."""
    assert at % 16 == 0
    end = at + len(data)
    pad = (-(end + 1)) % 16
    return data + b"\x01" + bytes(pad) + struct.pack("<I", len(data)) + bytes(12)


def nnue_net(size: int, seed: int = 1, description: bytes = NNUE_DESCRIPTION) -> bytes:
    head = struct.pack("<III", 0x7AF32F20, 0x1C103C92, len(description)) + description
    body = struct.pack("<I", 0x5F234CB8) + b"COMPRESSED_LEB128"
    rest = random.Random(seed).randbytes(size - len(head) - len(body))
    return head + body + rest


def stockfish(nets: tuple[int, ...] = (300_000,)) -> bytes:
    """An executable with incbin'd NNUE nets of these sizes in its .rodata."""
    base = elf(imported=("memcpy",))
    body = bytearray()
    for i, size in enumerate(nets):
        at = len(base) + len(body)
        body += bytes((-at) % 32)
        body += incbin(nnue_net(size, seed=i), len(base) + len(body))
    return elf(imported=("memcpy",), body=bytes(body))


def scan(data: bytes, path: str = "usr/lib/x/libx.so", piece: int = 1 << 20):
    s = EmbeddedScanner(path, len(data))
    for at in range(0, len(data), piece):
        s.feed(data[at:at + piece])
    return s.result()


PIECES = (1, 7, 4096, 65537, 1 << 20)
MLP_HEAD = bytes(x & 0xFF for x in (-30, -9, 2, -12, 5, -1, 8, 9, 9, 8, -13, 18, -17, -34, -5, 17))

# -- synthetic files --------------------------------------------------------------


@pytest.mark.parametrize("piece", PIECES)
def test_stockfish_nets_are_found_with_their_header_and_size(piece: int) -> None:
    data = stockfish((200_000, 70_000))
    if piece == 1:
        data = stockfish((3_000, 1_500))  # byte by byte: keep it small
    found = scan(data, "usr/games/stockfish", piece)
    assert [r.family for r in found] == ["stockfish-nnue", "stockfish-nnue"]
    first, second = found
    assert first.how == "content" and first.embedded
    assert first.fields["version"] == "0x7af32f20"
    assert first.fields["hash"] == "0x1c103c92"
    assert first.fields["description"] == NNUE_DESCRIPTION.decode()
    assert first.fields["training"] == NNUE_DESCRIPTION.decode()
    assert first.fields["compression"] == "leb128"
    assert first.fields["architecture"] == "NNUE, architecture hash 0x1c103c92"
    sizes = (3_000, 1_500) if piece == 1 else (200_000, 70_000)
    assert (first.fields["size"], second.fields["size"]) == tuple(str(s) for s in sizes)
    assert int(first.fields["offset"]) % 16 == 0
    assert data[int(second.fields["offset"]):][:4] == struct.pack("<I", 0x7AF32F20)


def test_stockfish_features_description_names_the_architecture() -> None:
    net = nnue_net(5_000, description=b"Features=HalfKP(Friend)[41024->256x2],Network=x")
    base = elf()
    body = bytes((-len(base)) % 16)
    data = elf(body=body + incbin(net, len(base) + len(body)))
    (found,) = scan(data)
    assert found.fields["architecture"] == "NNUE, HalfKP(Friend)[41024->256x2]"
    assert "training" not in found.fields


def test_a_net_whose_size_record_is_missing_is_found_without_size() -> None:
    base = elf()
    body = bytes((-len(base)) % 16) + nnue_net(5_000)
    (found,) = scan(elf(body=body))
    assert "size" not in found.fields and found.fields["version"] == "0x7af32f20"


@pytest.mark.parametrize("piece", PIECES[1:])
def test_opus_analysis_mlp_needs_the_library_to_define_opus(piece: int) -> None:
    body = b"\0libopus 1.3.1\0" + bytes(70_000) + MLP_HEAD + bytes(100)
    (found,) = scan(elf({"opus_encoder_create": 100}, body=body), piece=piece)
    assert found.family == "opus-analysis-mlp" and found.embedded and found.how == "content"
    assert found.fields["version"] == "1.3.1" and found.fields["parameters"] == "4986"
    # a program that imports opus_encoder_create is not libopus, whatever its bytes
    assert scan(elf(imported=("opus_encoder_create",), body=body), piece=piece) == ()
    assert scan(elf({"opus_encoder_create": 100}, body=body.replace(MLP_HEAD, bytes(16))),
                piece=piece) == ()


def test_opus_dnn_lists_the_components_whose_weights_are_named() -> None:
    body = (b"\0libopus 1.5.2\0dnn/nnet.c\0nolace_af1_kernel_weights_float\0"
            b"lace_af1_kernel_weights_float\0dense_if_upsampler_1_weights_int8\0")
    (found,) = scan(elf({"opus_decoder_create": 10}, body=body))
    assert found.family == "opus-dnn"
    assert found.fields == {"version": "1.5.2", "components": "PitchDNN, LACE, NoLACE"}


def test_webrtc_rnn_vad_counts_parameters_from_symbol_sizes() -> None:
    syms = {"_ZN7rnnoise18kInputDenseWeightsE": 1008, "_ZN7rnnoise15kInputDenseBiasE": 24,
            "_ZN7rnnoise18TansigApproximatedEf": 300,
            "_ZN6webrtc7rnn_vad11RnnBasedVadC1Ev": 40}
    (found,) = scan(elf(syms))
    assert found.family == "webrtc-rnn-vad" and found.fields["parameters"] == "1032"
    assert scan(elf({"_ZN7rnnoise18kInputDenseWeightsE": 1008})) == ()


def test_flite_voices_by_defined_symbols() -> None:
    voice = elf({"register_cmu_us_xyz": 10, "cmu_us_xyz_cg_db": 100})
    (found,) = scan(voice)
    assert found.family == "flite-voice"
    assert found.fields == {"voice": "cmu_us_xyz", "components": "clustergen"}
    (diphone,) = scan(elf({"register_cmu_us_kal": 10, "cmu_us_kal_diphone": 10}))
    assert diphone.family == "flite-diphone-voice" and diphone.fields["voice"] == "cmu_us_kal"
    # the flite program imports the voice: it does not contain it
    assert scan(elf(imported=("register_cmu_us_xyz", "cmu_us_xyz_cg_db"))) == ()
    lex = {f.family for f in scan(elf({"cmu_lts_rules": 9, "cmu_lts_model": 9,
                                       "cmu_lex_entries_huff_table": 9}))}
    assert lex == {"flite-lts-rules", "flite-lexicon"}


def test_cld2_tables_and_rnnoise_by_path() -> None:
    (cld2,) = scan(elf({"_ZN4CLD29kQuad_objE": 64, "_ZN4CLD218kQuadChromeIndSizeE": 4}))
    assert cld2.family == "cld2-tables" and cld2.fields["components"] == "chrome quadgrams"
    body = b"\0rnnoise-nu model file version %d\0NoiseSuppress.Method.RNNoise\0"
    obs = elf(imported=("obs_module_load",), body=body)
    (rnn,) = scan(obs, "usr/lib/x86_64-linux-gnu/obs-plugins/obs-filters.so")
    assert rnn.family == "rnnoise-net" and rnn.fields["components"] == "OBS noise suppression"
    assert scan(obs, "usr/lib/other/plugin.so") == ()  # nothing armed the search


@pytest.mark.parametrize("piece", PIECES[1:])
def test_mozc_data_set_is_searched_in_mozc_server(piece: int) -> None:
    body = bytes(1_500_000) + b"\xefMOZC\r\n\0conn\0dict\0segmenter_sizeinfo\0" + bytes(999)
    data = elf(imported=("memcpy",), body=body)
    (found,) = scan(data, "usr/lib/mozc/mozc_server", piece)
    assert found.family == "mozc-dataset" and found.how == "content"
    assert scan(data, "usr/bin/other", piece) == ()


def test_without_section_headers_the_symbol_text_counts() -> None:
    (found,) = scan(elf({"register_cmu_us_xyz": 10, "cmu_us_xyz_cg_db": 1}, sections=False))
    assert found.family == "flite-voice"


def test_plain_and_non_elf_files_hold_nothing() -> None:
    assert scan(elf({"main": 10, "helper_weights": 4}, body=os.urandom(300_000))) == ()
    assert scan(b"not an ELF file at all" * 100) == ()
    assert scan(b"") == ()


@pytest.mark.parametrize("cut", [3, 20, 63, 64, 150, 1_000, 4_000, 100_000])
def test_truncated_files_never_raise(cut: int) -> None:
    data = stockfish((200_000,))
    found = scan(data[:cut])
    assert all(r.family == "stockfish-nnue" and "size" not in r.fields for r in found)


def test_hostile_headers_never_raise() -> None:
    rng = random.Random(7)
    good = elf({"register_cmu_us_xyz": 10, "cmu_us_xyz_cg_db": 1}, body=nnue_net(3_000))
    for _ in range(300):
        data = bytearray(good)
        for _ in range(rng.randrange(1, 20)):
            data[rng.randrange(0, 200)] = rng.randrange(256)
        scan(bytes(data), piece=rng.choice((5, 100, 4096)))
    huge = bytearray(good)
    struct.pack_into("<QQ", huge, 32, 2**63, 2**63)  # phoff, shoff
    struct.pack_into("<HHHH", huge, 54, 56, 65535, 64, 65535)
    assert scan(bytes(huge)) == scan(bytes(huge), piece=7)
    assert scan(b"\x7fELF" + os.urandom(5000)) == ()


def test_recognise_and_scan_path(tmp_path: Path) -> None:
    data = stockfish((50_000,))
    path = tmp_path / "stockfish"
    path.write_bytes(data)
    assert [r.family for r in scan_path(path, "usr/games/stockfish")] == ["stockfish-nnue"]
    assert scan_path(tmp_path / "missing") == ()
    head = data[:families.RECOGNISE_BYTES]
    assert "embedded_families.recognise" in families.routed("usr/games/stockfish", head)
    c = Candidate("usr/games/stockfish", len(data), head, lambda: io.BytesIO(data))
    found = families.recognise(c)
    assert found is not None and found.family == "stockfish-nnue" and found.embedded

    def unreadable() -> io.BytesIO:
        raise OSError("the middle of a .deb member was not kept")

    assert recognise(Candidate("usr/games/stockfish", len(data), head, unreadable)) is None


def test_every_embedded_rule_names_a_family_of_the_file() -> None:
    import yaml

    from dh_aimodel.formats.embedded_families import _rules

    text = (Path(families.__file__).parent.parent / "data/families/embedded.yaml").read_text()
    listed = yaml.safe_load(text)["families"]
    assert {r.family for r in _rules().rules} == set(listed)
    for fid in listed:
        assert families.families()[fid].recogniser == "embedded_families.recognise"


# -- the real packages ------------------------------------------------------------

EXPECTED = {
    ("bookworm", "stockfish"): {"stockfish-nnue"},
    ("trixie", "stockfish"): {"stockfish-nnue"},
    ("bookworm", "libopus0"): {"opus-analysis-mlp"},
    ("trixie", "libopus0"): {"opus-analysis-mlp", "opus-dnn"},
    ("trixie", "libwebrtc-audio-processing-1-3"): {"webrtc-rnn-vad"},
    # obs-filters.so is in obs-studio, not obs-plugins (trixie 30.2.3+dfsg-3)
    ("trixie", "obs-studio"): {"rnnoise-net"},
    ("trixie", "libcld2-0"): {"cld2-tables"},
    ("trixie", "libflite1"): {"flite-voice", "flite-diphone-voice", "flite-lts-rules",
                              "flite-lexicon", "flite-us-prosody"},
    ("trixie", "mozc-server"): {"mozc-dataset"},
}
NEGATIVE = ("fonts-dejavu-core", "sound-theme-freedesktop", "desktop-base", "firmware-realtek",
            "hunspell-en-us", "proj-data", "geoip-database", "libcommons-lang3-java",
            "python3-joblib", "python3-sklearn", "python3-onnxruntime", "source-extractor",
            "profphd-net")


def _embedded_in(deb: Path) -> dict[str, set[str]]:
    """Each ELF member the families route to the embedded recogniser, scanned:
    path -> families found."""
    return {c.path: {r.family for r in scan_path(member, c.path)}
            for c, member in routed_candidates(deb)
            if "embedded_families.recognise" in families.routed(c.path, c.head)}


@pytest.mark.parametrize(("suite", "package"), sorted(EXPECTED))
def test_real_packages_yield_their_families(suite: str, package: str) -> None:
    found = _embedded_in(archive_deb(package, suite))
    assert set().union(*found.values()) == EXPECTED[(suite, package)], found


@pytest.mark.parametrize("package", NEGATIVE)
def test_negative_packages_yield_none(package: str) -> None:
    found = _embedded_in(archive_deb(package))
    assert not any(found.values()), found
