"""A throw-away OpenLDAP server (Debian's ``slapd``) for sign-in tests: people and groups under
``dc=kamld,dc=test``, changed through a real LDAP connection as the directory's administrator."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import ldap3

from kamld_testing.processes import free_ports

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SUFFIX = "dc=kamld,dc=test"
ADMIN_DN = f"cn=admin,{SUFFIX}"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"
SCHEMAS = ("core", "cosine", "inetorgperson")


def slapd_available() -> bool:
    return Path(SLAPD).exists() and Path("/usr/lib/ldap/back_mdb.so").exists()


class LdapServer:
    """``slapd`` on a loopback port with an mdb database in ``home``; stop it with :meth:`stop`."""

    def __init__(self, home: Path, admin_password: str = "directory-admin") -> None:
        self.home = home
        self.admin_password = admin_password
        self.port = free_ports(1)[0]
        self.url = f"ldap://127.0.0.1:{self.port}"
        (home / "data").mkdir(parents=True, exist_ok=True)
        includes = "\n".join(f"include /etc/ldap/schema/{name}.schema" for name in SCHEMAS)
        (home / "slapd.conf").write_text(
            f"""{includes}
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {home}/slapd.pid
database mdb
maxsize 16777216
suffix "{SUFFIX}"
rootdn "{ADMIN_DN}"
rootpw {admin_password}
directory {home}/data
"""
        )
        self.process: subprocess.Popen[bytes] | None = None
        self.start()
        self._seed()

    def start(self) -> None:
        with (self.home / "slapd.log").open("ab") as log:
            self.process = subprocess.Popen(
                [SLAPD, "-d", "0", "-h", f"{self.url}/", "-f", str(self.home / "slapd.conf")],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 20
        while True:
            try:
                self._admin().unbind()
                return
            except ldap3.core.exceptions.LDAPException:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    printed = (self.home / "slapd.log").read_text()
                    raise RuntimeError(f"slapd did not start: {printed}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None

    def _admin(self) -> ldap3.Connection:
        server = ldap3.Server(self.url, connect_timeout=2)
        return ldap3.Connection(server, ADMIN_DN, self.admin_password, auto_bind=True, receive_timeout=5)

    def _seed(self) -> None:
        with self._admin() as admin:
            admin.add(SUFFIX, ["dcObject", "organization"], {"dc": "kamld", "o": "KAML-D tests"})
            admin.add(PEOPLE, ["organizationalUnit"], {"ou": "people"})
            admin.add(GROUPS, ["organizationalUnit"], {"ou": "groups"})

    def add_user(self, uid: str, password: str) -> str:
        dn = f"uid={uid},{PEOPLE}"
        with self._admin() as admin:
            ok = admin.add(
                dn, ["inetOrgPerson"], {"uid": uid, "cn": uid, "sn": uid, "userPassword": password}
            )
            assert ok, admin.result
        return dn

    def add_group(self, name: str, *members: str) -> None:
        """A ``groupOfNames`` (which needs a member: the administrator stands in for none)."""
        dns = [f"uid={uid},{PEOPLE}" for uid in members] or [ADMIN_DN]
        with self._admin() as admin:
            ok = admin.add(f"cn={name},{GROUPS}", ["groupOfNames"], {"cn": name, "member": dns})
            assert ok, admin.result

    def remove_member(self, group: str, uid: str) -> None:
        with self._admin() as admin:
            ok = admin.modify(
                f"cn={group},{GROUPS}", {"member": [(ldap3.MODIFY_DELETE, [f"uid={uid},{PEOPLE}"])]}
            )
            assert ok, admin.result
