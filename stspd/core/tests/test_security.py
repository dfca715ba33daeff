"""Production settings, the content security policy, sessions and the password policy."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

PRODUCTION_ENV = {
    "STSPD_PRODUCTION": "1",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "stspd.example.fr",
    "SITE_URL": "https://stspd.example.fr",
}

# Not passed to the production process: the browser tests allow async-unsafe database access
# in this one, which `check --deploy` rightly warns about.
INHERITED = {"DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "STSPD_PRODUCTION"}


def run_with(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in INHERITED}
    return subprocess.run(
        [sys.executable, "-m", "stspd.cli", *args],
        env=environment | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = run_with(PRODUCTION_ENV, "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_secure_cookies_hsts_and_proxy_https() -> None:
    code = (
        "from django.conf import settings as s; import django; django.setup();"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SAMESITE)"
    )
    environment = {k: v for k, v in os.environ.items() if k not in INHERITED}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment | PRODUCTION_ENV | {"DJANGO_SETTINGS_MODULE": "stspd.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.split(" ", 5)[:5] == ["False", "True", "True", "True", "31536000"]
    assert "('HTTP_X_FORWARDED_PROTO', 'https') Lax" in result.stdout


def test_debug_off_alone_is_production_too() -> None:
    result = run_with(
        {k: v for k, v in PRODUCTION_ENV.items() if k != "STSPD_PRODUCTION"} | {"DEBUG": "0"},
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_page_carries_a_strict_content_security_policy(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.coordinator).get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_only_json_data_blocks(world, login) -> None:  # type: ignore[no-untyped-def]
    """The policy forbids inline scripts: every <script> either loads a file or holds data."""
    import re

    client = login(world.coordinator)
    url = f"/observatoire/conseil/{world.council.pk}/indicateur/{world.indicator.pk}/"
    html = client.get(url).content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts
    for attributes in scripts:
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    assert not re.search(r"\son[a-z]+=\"", html)  # no inline event handler either


def test_sessions_end_after_eight_hours_or_when_the_browser_closes() -> None:
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_a_password_needs_twelve_characters() -> None:
    with pytest.raises(ValidationError, match="au minimum 12 caractères"):
        validate_password("Xk7#pq2!Lm")
    validate_password("Xk7#pq2!Lm-Rouen")


def test_the_password_reset_form_refuses_a_short_password(world, client) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(world.reader.pk))
    token = default_token_generator.make_token(world.reader)
    response = client.get(f"/comptes/mot-de-passe/nouveau/{uid}/{token}/", follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "Court-2026", "new_password2": "Court-2026"})
    assert "au minimum 12 caractères" in response.content.decode()
