"""The `user` commands: accounts that sign in to the viewer, and their API tokens."""

from __future__ import annotations

import click

from partnergraph.cli.common import json_option, open_workspace, print_json
from partnergraph.model import PartnergraphError
from partnergraph.services import accounts


@click.group("user")
def user_group() -> None:
    """Manage the accounts that sign in to the viewer, and their API tokens.

    Roles: viewer (reads), editor (also changes the graph), admin (also manages accounts).
    """


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        line = click.open_file("-").readline()
        password = line[:-1] if line.endswith("\n") else line
        if password.endswith("\r"):
            password = password[:-1]
        if not password:
            raise PartnergraphError("no password on standard input")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True, err=True)
    return accounts.check_password(password)


password_stdin_option = click.option("--password-stdin", is_flag=True,
                                     help="Read the password from the first line of standard input (for scripts).")


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True, help="What the account may do.")
@password_stdin_option
@click.pass_context
def user_add(ctx: click.Context, name: str, role: str, password_stdin: bool) -> None:
    """Add an account NAME with a ROLE; the password is asked for (never given as an argument)."""
    accounts.check_name(name)
    workspace = open_workspace(ctx)
    if workspace.accounts.find(name) is not None:  # before asking for a password in vain
        raise PartnergraphError(f"an account named {name!r} exists already")
    account = workspace.accounts.create_account(name, _read_password(password_stdin), role)
    click.echo(f"added {account.name} ({account.role}) to {workspace.url}")


@user_group.command("list")
@json_option
@click.pass_context
def user_list(ctx: click.Context, as_json: bool) -> None:
    """List the accounts: name, role, whether disabled, and the labels of their API tokens."""
    people = open_workspace(ctx).accounts
    found = [{"name": a.name, "role": a.role, "disabled": a.disabled, "created": a.created,
              "tokens": [{"label": t.label, "created": t.created} for t in people.list_tokens(a.name)]}
             for a in people.list_accounts()]
    if as_json:
        return print_json({"accounts": found})
    if not found:
        click.echo("no accounts: partnergraph user add NAME --role admin")
    for a in found:
        tokens = ", ".join(t["label"] for t in a["tokens"]) or "none"
        click.echo(f"{a['name']}  {a['role']}{'  (disabled)' if a['disabled'] else ''}  since {a['created'][:10]}"
                   f"  tokens: {tokens}")


@user_group.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(accounts.ROLES))
@click.pass_context
def user_set_role(ctx: click.Context, name: str, role: str) -> None:
    """Give account NAME another ROLE (takes effect on its next request)."""
    account = open_workspace(ctx).accounts.set_role(name, role)
    click.echo(f"{account.name} is now {account.role}")


@user_group.command("passwd")
@click.argument("name")
@password_stdin_option
@click.pass_context
def user_passwd(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Set a new password for account NAME; its open sessions end."""
    people = open_workspace(ctx).accounts
    people.get(name)  # before asking for a password in vain
    people.set_password(name, _read_password(password_stdin))
    click.echo(f"new password set for {name}; its sessions have ended")


@user_group.command("disable")
@click.argument("name")
@click.pass_context
def user_disable(ctx: click.Context, name: str) -> None:
    """Disable account NAME: no sign-in, its sessions end, its API tokens stop working."""
    open_workspace(ctx).accounts.disable(name)
    click.echo(f"disabled {name}")


@user_group.command("enable")
@click.argument("name")
@click.pass_context
def user_enable(ctx: click.Context, name: str) -> None:
    """Enable account NAME again."""
    open_workspace(ctx).accounts.enable(name)
    click.echo(f"enabled {name}")


@user_group.command("remove")
@click.argument("name")
@click.pass_context
def user_remove(ctx: click.Context, name: str) -> None:
    """Delete account NAME and its API tokens."""
    open_workspace(ctx).accounts.remove(name)
    click.echo(f"removed {name} and its API tokens")


@user_group.command("token")
@click.argument("name")
@click.option("--label", default=accounts.DEFAULT_LABEL, show_default=True, help="What the token is for.")
@click.pass_context
def user_token(ctx: click.Context, name: str, label: str) -> None:
    """Issue an API token for account NAME and print it once (only its SHA-256 is kept).

    Scripts send it as `Authorization: Bearer TOKEN`; it acts with the account's role.
    """
    secret = open_workspace(ctx).accounts.issue_token(name, label)
    click.echo(f"API token {label!r} for {name} (shown once; keep it secret):", err=True)
    click.echo(secret)


@user_group.command("revoke")
@click.argument("name")
@click.option("--label", default=None, help="Revoke only the token with this label (default: all of NAME's).")
@click.pass_context
def user_revoke(ctx: click.Context, name: str, label: str | None) -> None:
    """Revoke the API tokens of account NAME (or only the one labelled --label)."""
    count = open_workspace(ctx).accounts.revoke_tokens(name, label)
    click.echo(f"revoked {count} token{'s' if count != 1 else ''} of {name}")

