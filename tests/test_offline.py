"""The tests' own guard: no DNS lookup leaves the machine, here or in subprocesses."""

import socket
import subprocess
import sys

import pytest


def test_public_names_do_not_resolve():
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("example.com", 443)


def test_numeric_and_local_names_resolve():
    assert socket.getaddrinfo("127.0.0.1", 80)[0][4][0] == "127.0.0.1"
    assert socket.getaddrinfo("localhost", 80)


def test_reverse_lookups_of_public_addresses_are_refused():
    with pytest.raises(socket.herror):
        socket.gethostbyaddr("93.184.216.34")


def test_subprocesses_are_offline_too():
    code = "import socket\ntry:\n    socket.getaddrinfo('example.com', 80)\nexcept socket.gaierror:\n    print('offline')\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "offline"
