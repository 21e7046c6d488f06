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
from collections import deque
from dataclasses import replace
from datetime import UTC, datetime

from werkzeug.security import check_password_hash, generate_password_hash

from partnergraph.model import PartnergraphError
from partnergraph.records import Account, Token
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
        # Names differing only in case would be told apart by nobody reading an audit entry.
        taken = [a.name for a in self.store.list_accounts() if a.name.lower() == name.lower()]
        if taken:
            raise PartnergraphError(f"an account named {taken[0]!r} exists already")
        account = Account(name=name, role=role, password_hash=hash_password(password), created=_now(now))
        self.store.put_account(account)
        return account

    def authenticate(self, name: str, password: str) -> Account | None:
        """Return the account if `name` and `password` match an enabled account, else None."""
        account = self.store.get_account(name) if NAME_PATTERN.fullmatch(name or "") else None
        return verify_account(account, password, self.store)

    def upgrade_hash(self, account: Account, password: str) -> Account:
        """Rehash a verified password whose stored hash is in an older format; return the account as stored."""
        return rehash(self.store, account, password) if needs_rehash(account.password_hash) else account

    def _enabled_admins(self) -> list[str]:
        return [a.name for a in self.store.list_accounts() if a.role == "admin" and not a.disabled]

    def _keep_an_admin(self, account: Account, what: str) -> None:
        # Refuse to leave nobody who can manage accounts in the viewer (the CLI could still add one,
        # but a locked-out team may not have shell access).
        if account.role == "admin" and not account.disabled and self._enabled_admins() == [account.name]:
            raise PartnergraphError(f"cannot {what} {account.name!r}: it is the last enabled admin; add another admin first")

    def set_role(self, name: str, role: str) -> Account:
        """Give account `name` another role; the last enabled admin keeps theirs."""
        check_role(role)
        account = self.get(name)
        if role != "admin":
            self._keep_an_admin(account, f"make a {role} of")
        changed = replace(account, role=role)
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
        account = self.get(name)
        self._keep_an_admin(account, "disable")
        changed = replace(account, disabled=True)
        self.store.put_account(changed)
        return changed

    def enable(self, name: str) -> Account:
        """Enable account `name` again."""
        changed = replace(self.get(name), disabled=False)
        self.store.put_account(changed)
        return changed

    def remove(self, name: str) -> None:
        """Delete account `name` and its API tokens."""
        account = self.get(name)
        self._keep_an_admin(account, "remove")
        self.store.delete_account(name)

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


class LoginLimiter:
    """Count failed sign-ins per key (client address, account name) in a sliding window.

    Kept in the memory of one process: with several worker processes each counts on its own, so
    an attacker gets at most `workers` times the limit; a restart forgets the counts.
    """

    def __init__(self, limits: dict[str, int] | None = None, window: float = 600.0, clock=time.monotonic,
                 max_keys: int = 50_000):
        self.limits = limits or {"address": 20, "name": 5}
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def retry_after(self, keys: dict[str, str]) -> float:
        """Return how many seconds to wait before trying again (0: may try now)."""
        now = self.clock()
        wait = 0.0
        with self._lock:
            for kind, value in keys.items():
                times = self._recent((kind, value), now)
                limit = self.limits.get(kind)
                if limit is not None and len(times) >= limit:
                    # The oldest failure that keeps the count at the limit must leave the window.
                    wait = max(wait, times[len(times) - limit] + self.window - now)
        return wait

    def failed(self, keys: dict[str, str]) -> None:
        """Record one failed sign-in for every key."""
        now = self.clock()
        with self._lock:
            if len(self._failures) >= self.max_keys:
                # Under a spray of names, forget the stalest keys rather than grow without bound.
                for key in sorted(self._failures, key=lambda k: self._failures[k][-1])[: self.max_keys // 10]:
                    del self._failures[key]
            for kind, value in keys.items():
                self._failures.setdefault((kind, value), deque()).append(now)

    def succeeded(self, keys: dict[str, str]) -> None:
        """Forget the failures of these keys (a correct password resets its account's count)."""
        with self._lock:
            for kind, value in keys.items():
                self._failures.pop((kind, value), None)
