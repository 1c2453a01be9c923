"""Provides the wallet's keystore: the OS keyring, or an encrypted file where there is none.

    from wallet.keystore import EnvironmentOrPrompt, choose_backend, open_keystore

    choice = choose_backend(home=home)            # for `wallet init --keystore auto`
    print(choice.notice, file=sys.stderr)
    store = open_keystore(choice.kind, wallet_id=wid, home=home,
                          passphrase=EnvironmentOrPrompt(os.environ))
    store.put("did-key-1", seed); store.get("did-key-1"); store.ids()

Backends: `os` (the platform's native keyring through `keyring`, named explicitly, never the
Chainer) and `file` (one Argon2id + XSalsa20-Poly1305 sealed file, mode 0600, replaced
atomically under a lock). Entries live under service `ssi-wallet/<wallet-id>` with the key
id as username; secrets are stored as base64 text.
"""

from wallet.keystore._factory import (
    BackendChoice,
    choose_backend,
    keystore_path,
    native_backend_name,
    open_keystore,
)
from wallet.keystore._file import KEYSTORE_FILE, FileKeyring, FileKeystore
from wallet.keystore._native import OsKeystore, native_backend_class, open_native
from wallet.keystore._passphrase import (
    PASSPHRASE_VARIABLE,
    EnvironmentOrPrompt,
    Passphrase,
    PassphraseSource,
)
from wallet.keystore._sealed import KdfParams, SealedFile
from wallet.keystore._store import (
    INDEX_ID,
    SERVICE_PREFIX,
    Keystore,
    KeystoreInfo,
    KeystoreKind,
    service_name,
)

__all__ = [
    "INDEX_ID",
    "KEYSTORE_FILE",
    "PASSPHRASE_VARIABLE",
    "SERVICE_PREFIX",
    "BackendChoice",
    "EnvironmentOrPrompt",
    "FileKeyring",
    "FileKeystore",
    "KdfParams",
    "Keystore",
    "KeystoreInfo",
    "KeystoreKind",
    "OsKeystore",
    "Passphrase",
    "PassphraseSource",
    "SealedFile",
    "choose_backend",
    "keystore_path",
    "native_backend_class",
    "native_backend_name",
    "open_keystore",
    "open_native",
    "service_name",
]
