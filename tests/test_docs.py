"""The README is the user's manual: every setting and command is in it."""

from pathlib import Path

from amplify.config import ENVIRONMENT

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_starts_with_the_two_commands():
    head = README[:400]
    assert "`make run`" in head and "`make test`" in head


def test_every_environment_variable_is_documented():
    for variable in list(ENVIRONMENT) + ["PORT", "AMPLIFY_ADMIN_EMAIL", "AMPLIFY_ADMIN_PASSWORD"]:
        assert f"`{variable}`" in README, variable


def test_every_cli_command_is_documented(app):
    for name, command in app.cli.commands.items():
        if hasattr(command, "commands"):
            for sub in command.commands:
                assert f"amplify {name} {sub}" in README, f"{name} {sub}"
        else:
            assert f"amplify {name}" in README, name
