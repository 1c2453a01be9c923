"""Provides the wallet's use-cases, one function each, shared by the CLI and the TUI."""

from wallet.services._backup import BackupSummary, export_backup, import_backup
from wallet.services._demo import DemoReport, run_demo
from wallet.services._identities import (
    Identity,
    create_identity,
    find_identity,
    identity_document,
    list_identities,
    resolve_did,
    signing_key,
)
from wallet.services._session import Environment, Wallet
from wallet.services._setup import InitResult, init_wallet, keystore_info, rekey

__all__ = [
    "BackupSummary",
    "DemoReport",
    "Environment",
    "Identity",
    "InitResult",
    "Wallet",
    "create_identity",
    "export_backup",
    "find_identity",
    "identity_document",
    "import_backup",
    "init_wallet",
    "keystore_info",
    "list_identities",
    "rekey",
    "resolve_did",
    "run_demo",
    "signing_key",
]
