"""Accounts, roles, passwords and API tokens: the rules, shared by the CLI and the viewer.

Roles nest: a viewer reads, an editor also changes the graph, an admin also manages accounts.
Passwords are kept as scrypt hashes made by `werkzeug.security` ("scrypt:N:r:p$salt$key", a
standard memory-hard KDF with its parameters and salt in the string); hashes in the format used
before ("scrypt$N$r$p$salt$key") are still accepted, and replaced at the next sign-in. API tokens
are kept as SHA-256 digests only, so neither a password nor a token can be read back from the store.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from werkzeug.security import check_password_hash, generate_password_hash

from partnergraph.model import PartnergraphError
from partnergraph.records import Account, AccountRefused, Token
from partnergraph.store import GraphStore

ROLES = ("viewer", "editor", "admin")
NAME_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
MIN_PASSWORD = 10
# Long enough for any passphrase, short enough that hashing one is not a way to tie up the server.
MAX_PASSWORD = 1024
TOKEN_PREFIX = "pgt_"
LABEL_PATTERN = re.compile(r"[A-Za-z0-9._ -]{1,64}")
DEFAULT_LABEL = "api"

# scrypt at N=2^15, r=8, p=3: one of OWASP's equivalent minimum settings (32 MiB, ~0.1-0.4 s), as
# before the move to werkzeug. Werkzeug's default, "scrypt" alone, is N=2^15, r=8, p=1: the same
# memory but a third of the work, below OWASP's table, so the parameters are given. They travel
# in each hash, so raising them later keeps old hashes verifiable (and rehashed at sign-in).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 3
HASH_METHOD = f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}"
# A hash never makes us allocate more than this (scrypt takes 128 * N * r bytes): a damaged or
# hostile hash in the store must not take gigabytes.
SCRYPT_MAXMEM = 128 * 1024 * 1024
# Each hash takes 32 MiB: a burst of sign-ins must not take the server's memory with it.
_hashing = threading.BoundedSemaphore(4)
_dummy_hash: str | None = None


def allows(role: str | None, needed: str) -> bool:
    """Return whether `role` may do what `needed` may (admin includes editor includes viewer)."""
    if role not in ROLES or needed not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(needed)


def _sane_scrypt(n: int, r: int, p: int) -> bool:
    return 2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16 and 128 * n * r <= SCRYPT_MAXMEM


def hash_password(password: str) -> str:
    """Return a werkzeug scrypt hash of `password`: "scrypt:N:r:p$salt$key" (key in hex)."""
    with _hashing:
        return generate_password_hash(password, method=HASH_METHOD)


def _verify_legacy(password: str, password_hash: str) -> bool:
    # The format used before werkzeug: "scrypt$N$r$p$salt$key", salt and key in base64.
    try:
        scheme, n_text, r_text, p_text, salt_text, key_text = password_hash.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt, key = base64.b64decode(salt_text, validate=True), base64.b64decode(key_text, validate=True)
    except ValueError:
        return False
    if scheme != "scrypt" or not _sane_scrypt(n, r, p):
        return False
    with _hashing:
        derived = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=SCRYPT_MAXMEM)
    return hmac.compare_digest(derived, key)


def _verify_werkzeug(password: str, password_hash: str) -> bool:
    method, _, _ = password_hash.partition("$")
    # Only scrypt, within bounds: werkzeug would also take pbkdf2 or any scrypt cost it is given.
    name, *params = method.split(":")
    try:
        n, r, p = (int(x) for x in params)
    except ValueError:
        return False
    if name != "scrypt" or not _sane_scrypt(n, r, p):
        return False
    try:
        with _hashing:
            return check_password_hash(password_hash, password)
    except (ValueError, MemoryError):
        return False


def is_legacy_hash(password_hash: str) -> bool:
    """Return whether `password_hash` is in the format used before werkzeug ("scrypt$N$r$p$salt$key")."""
    return password_hash.count("$") == 5 and password_hash.startswith("scrypt$")


def needs_rehash(password_hash: str) -> bool:
    """Return whether a matching `password_hash` should be replaced: another format or other parameters."""
    return not password_hash.startswith(HASH_METHOD + "$")


def verify_password(password: str, password_hash: str) -> bool:
    """Return whether `password` matches `password_hash`, in either format (constant-time comparison)."""
    if len(password) > MAX_PASSWORD:
        return False
    if is_legacy_hash(password_hash):
        return _verify_legacy(password, password_hash)
    return _verify_werkzeug(password, password_hash)


def password_fingerprint(account: Account) -> str:
    """Return a short digest of the account's password hash, kept in its sessions.

    A session whose fingerprint no longer matches (password changed) is signed out.
    """
    return hashlib.sha256(account.password_hash.encode("utf-8")).hexdigest()[:16]


def _now(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_name(name: str) -> str:
    """Return `name` if it is a valid account name, or raise a user error saying what is allowed."""
    if not NAME_PATTERN.fullmatch(name or ""):
        raise PartnergraphError(f"account name {name!r} is not valid: use 1 to 64 letters, digits, '.', '_' or '-'")
    return name


def check_role(role: str) -> str:
    """Return `role` if it is one of ROLES, or raise a user error naming them."""
    if role not in ROLES:
        raise PartnergraphError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    return role


def check_password(password: str) -> str:
    """Return `password` if it is long enough (and not absurdly long), or raise a user error."""
    if len(password) < MIN_PASSWORD:
        raise PartnergraphError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise PartnergraphError(f"the password must have at most {MAX_PASSWORD} characters")
    return password


def verify_account(account: Account | None, password: str, store: GraphStore | None = None) -> Account | None:
    """Return `account` if it is enabled and `password` is its password, else None.

    Takes about as long for a missing account as for a real one, so that the answer time does
    not tell which names exist. Given the `store`, a matching hash in an older format (or with
    other parameters) is replaced by a new one there, and the account returned carries it.
    """
    global _dummy_hash
    if account is None:
        if _dummy_hash is None:
            _dummy_hash = hash_password(secrets.token_urlsafe(16))
        verify_password(password, _dummy_hash)
        return None
    if not verify_password(password, account.password_hash) or account.disabled:
        return None
    if store is not None and needs_rehash(account.password_hash):
        account = rehash(store, account, password)
    return account


def rehash(store: GraphStore, account: Account, password: str) -> Account:
    """Store a new hash of `password` (already verified) for `account`; return the account with it.

    Its sessions signed in with the old hash end (their fingerprint changes), as after a new
    password. If the stored hash changed meanwhile (a new password), the store is left as it is.
    """
    new_hash = hash_password(password)  # slow: before reading the account again
    current = store.get_account(account.name)
    if current is None or current.password_hash != account.password_hash:
        return account
    changed = replace(current, password_hash=new_hash)
    store.put_account(changed)
    return changed


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class Accounts:
    """Accounts, roles and API tokens of one store: who may sign in to the viewer and what they may do."""

    def __init__(self, store: GraphStore):
        self.store = store

    def list_accounts(self) -> list[Account]:
        """Return every account, by name."""
        return self.store.list_accounts()

    def find(self, name: str) -> Account | None:
        """Return the account `name`, or None."""
        return self.store.get_account(name)

    def get(self, name: str) -> Account:
        """Return the account `name`, or raise a user error saying there is none."""
        account = self.store.get_account(name)
        if account is None:
            raise PartnergraphError(f"no account named {name!r}")
        return account

    def create_account(self, name: str, password: str, role: str, *,
                       now: datetime | None = None) -> Account:
        """Create an account with a hashed password; refuse invalid names, short passwords, duplicates."""
        check_name(name)
        check_role(role)
        check_password(password)
        # Names differing only in case would be told apart by nobody reading an audit entry: the
        # store refuses them in its write transaction (this early look only saves the hashing).
        taken = [a.name for a in self.store.list_accounts() if a.name.lower() == name.lower()]
        if taken:
            raise AccountRefused(f"an account named {taken[0]!r} exists already")
        account = Account(name=name, role=role, password_hash=hash_password(password), created=_now(now))
        self.store.put_account(account, create=True)
        return account

    def login_limiter(self) -> LoginLimiter:
        """Return the sign-in limit of this store (its counts are in the store, shared by every process)."""
        return LoginLimiter(self.store)

    def authenticate(self, name: str, password: str) -> Account | None:
        """Return the account if `name` and `password` match an enabled account, else None."""
        account = self.store.get_account(name) if NAME_PATTERN.fullmatch(name or "") else None
        return verify_account(account, password, self.store)

    def upgrade_hash(self, account: Account, password: str) -> Account:
        """Rehash a verified password whose stored hash is in an older format; return the account as stored."""
        return rehash(self.store, account, password) if needs_rehash(account.password_hash) else account

    # The last enabled admin keeps the role, stays enabled and is not removed: the store checks it
    # in the write transaction (records.account_refusal), so two processes cannot both pass.

    def set_role(self, name: str, role: str) -> Account:
        """Give account `name` another role; the last enabled admin keeps theirs."""
        check_role(role)
        changed = replace(self.get(name), role=role)
        self.store.put_account(changed)
        return changed

    def set_password(self, name: str, password: str) -> Account:
        """Give account `name` a new password; its open sessions end (its API tokens stay valid)."""
        check_password(password)
        changed = replace(self.get(name), password_hash=hash_password(password))
        self.store.put_account(changed)
        return changed

    def disable(self, name: str) -> Account:
        """Disable account `name`: it can no longer sign in, its sessions end and its tokens stop working."""
        changed = replace(self.get(name), disabled=True)
        self.store.put_account(changed)
        return changed

    def enable(self, name: str) -> Account:
        """Enable account `name` again."""
        changed = replace(self.get(name), disabled=False)
        self.store.put_account(changed)
        return changed

    def remove(self, name: str) -> None:
        """Delete account `name` and its API tokens."""
        self.store.delete_account(self.get(name).name)

    def issue_token(self, name: str, label: str = DEFAULT_LABEL, *, now: datetime | None = None) -> str:
        """Create an API token for account `name` and return its secret: shown this once, never kept."""
        account = self.get(name)
        if not LABEL_PATTERN.fullmatch(label or ""):
            raise PartnergraphError(f"token label {label!r} is not valid: use 1 to 64 letters, digits, spaces, "
                                    "'.', '_' or '-'")
        if any(t.label == label for t in self.store.list_tokens(account.name)):
            raise PartnergraphError(f"{name!r} has a token labelled {label!r} already: revoke it or choose another label")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.store.add_token(Token(digest=_digest(secret), account=account.name, label=label, created=_now(now)))
        return secret

    def account_for_token(self, secret: str) -> Account | None:
        """Return the enabled account an API token belongs to, or None (unknown, revoked, disabled)."""
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None
        account = self.store.account_for_token(_digest(secret))
        return account if account is not None and not account.disabled else None

    def list_tokens(self, name: str) -> list[Token]:
        """Return the tokens of account `name` (labels and dates; the secrets are not kept)."""
        return self.store.list_tokens(self.get(name).name)

    def revoke_tokens(self, name: str, label: str | None = None) -> int:
        """Delete the API tokens of account `name` (only those labelled `label`, if given); return how many."""
        count = self.store.delete_tokens(self.get(name).name, label)
        if label is not None and count == 0:
            raise PartnergraphError(f"{name!r} has no token labelled {label!r}")
        return count


LOGIN_LIMITS = {"address": 20, "name": 5}
LOGIN_WINDOW = 600.0


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt: noted (`wait` 0, at `at`) before the password is checked, or refused."""

    keys: dict[str, str]
    at: float
    wait: float

    @property
    def allowed(self) -> bool:
        return self.wait <= 0


class LoginLimiter:
    """Limit sign-in attempts per key (client address, account name) in a sliding window.

    The attempts are kept in the store, so every worker process (gunicorn --workers N, or several
    servers on one store) counts the same ones. An attempt is noted *before* the slow password
    check, in one write transaction that first counts the key's attempts: however many requests
    arrive at once, at most the limit are evaluated. A correct password forgets its account's
    attempts, and gives its address's attempt back.
    """

    def __init__(self, store: GraphStore, limits: dict[str, int] | None = None, window: float = LOGIN_WINDOW,
                 clock=time.time):
        self.store = store
        self.limits = limits or LOGIN_LIMITS
        self.window = window
        self.clock = clock

    @staticmethod
    def _key(kind: str, value: str) -> str:
        return f"{kind}:{value}"

    def reserve(self, keys: dict[str, str]) -> Attempt:
        """Note an attempt under every key, or say how long to wait (nothing noted) when one is at its limit."""
        now = self.clock()
        limits = {self._key(kind, value): self.limits[kind] for kind, value in keys.items() if kind in self.limits}
        return Attempt(dict(keys), now, self.store.reserve_sign_in(limits, now, self.window))

    def succeeded(self, attempt: Attempt) -> None:
        """Forget the account's attempts, and give back this attempt of the other keys (the address)."""
        name = attempt.keys.get("name")
        if name is not None:
            self.store.release_sign_in([self._key("name", name)])
        others = [self._key(kind, value) for kind, value in attempt.keys.items() if kind != "name"]
        if others:
            self.store.release_sign_in(others, attempt.at)
