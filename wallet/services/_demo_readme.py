"""Provides the README.md a kept demo (`wallet demo --out DIR`) leaves beside its homes.

The demo's homes use made-up passphrases; without them the homes could not be opened, so
the demo writes them here, with each home's role, for exploring the election afterwards.
They protect nothing but this throwaway demo.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

_ROLES = {
    "authority": "the election authority: issued the voters' credentials, created, opened, "
    "closed and tallied the election, published the result",
    "trustee-1": "trustee 1 of 3 (threshold 2): key ceremony, posted a decryption share",
    "trustee-2": "trustee 2 of 3: key ceremony; stayed away from the decryption",
    "trustee-3": "trustee 3 of 3: key ceremony, posted a decryption share",
    "voter-1": "eligible voter",
    "voter-2": "eligible voter; voted twice (the last ballot counts)",
    "voter-3": "eligible voter; challenged a ballot (never counted), then cast one",
    "voter-4": "eligible voter",
    "voter-5": "eligible voter",
    "outsider": "holds a LibraryCard, not a voter credential: its ballot was refused",
}


def role(name: str) -> str:
    return _ROLES.get(name, "participant")


def write_readme(
    root: Path, passphrases: Mapping[str, str], board_passphrase: str, election: str
) -> Path:
    """Write ROOT/README.md: each home, its role and its passphrase; how to open one."""
    rows = "\n".join(
        f"| `{name}/` | {role(name)} | `{secret}` |" for name, secret in passphrases.items()
    )
    voter = next((name for name in passphrases if name.startswith("voter-")), "voter-1")
    text = f"""# Demo election

Made by `wallet demo --out {root}`: the homes of everyone who took part, the board, and the
exported record of election `{election}`. Every home is a wallet with a file keystore; the
passphrases below were made up for this demo and protect nothing else.

| home | role | passphrase |
| --- | --- | --- |
{rows}
| `board.sqlite` | the board; its key's `WALLET_BOARD_PASSPHRASE` | `{board_passphrase}` |
| `record/` | the exported election record | |

Open a home with its passphrase, in the command line or the terminal UI:

    WALLET_PASSPHRASE='{passphrases.get(voter, "")}' wallet --home {root / voter} receipt list
    WALLET_PASSPHRASE='{passphrases.get(voter, "")}' wallet --home {root / voter} tui

Check the election as anyone can:

    wallet audit {root / "record"}
    wallet election show {election} --board {root / "board.sqlite"}
"""
    path = root / "README.md"
    path.write_text(text, encoding="utf-8")
    return path
