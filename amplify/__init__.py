"""Amplify: carry the movement's own message further, with consent for every item."""

from flask import Flask

from amplify import config as configuration
from amplify.files import private_folder

ROOT = configuration.ROOT


def create_app(config=None):
    """Build the application. ``config`` overrides environment and defaults."""
    settings = configuration.build(config)
    private_folder(settings["INSTANCE_PATH"])
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "assets"),
        static_url_path="/assets",
    )
    app.config.from_mapping(settings)

    from amplify import db, i18n, keys, security, web

    db.database.initialize(
        db.make_database(app.config["DATABASE_URL"], app.config["DATABASE_BUSY_TIMEOUT_MS"],
                         app.config["DATABASE_POOL"])
    )
    keys.check(app.config)  # never run with keys the database was not written with
    app.session_interface = security.SessionInterface()
    security.csrf.init_app(app)
    i18n.init_app(app)
    web.init_app(app)

    from amplify.actors.shares import bp as actors_bp  # views.py's blueprint, with the share routes added
    from amplify.audit.views import bp as audit_bp
    from amplify.auth.views import bp as auth_bp
    from amplify.campaigns.views import bp as campaigns_bp
    from amplify.consent.outreach import bp as outreach_bp
    from amplify.consent.views import bp as consent_bp
    from amplify.drafting.views import bp as drafting_bp
    from amplify.feeds.views import bp as feeds_bp
    from amplify.reports.views import bp as reports_bp, shared_bp
    from amplify.home.views import bp as home_bp
    from amplify.invitations.views import bp as invitations_bp
    from amplify.media.links import bp as media_links_bp
    from amplify.media.views import bp as media_bp
    from amplify.items.views import bp as items_bp
    from amplify.people.views import bp as people_bp
    from amplify.protection.views import bp as protection_bp
    from amplify.notifications.views import bp as notifications_bp
    from amplify.press.views import bp as press_bp, shared_bp as press_shared_bp
    from amplify.publishing.views import bp as publishing_bp
    from amplify.review.views import bp as review_bp
    from amplify.users.views import bp as users_bp

    for blueprint in (home_bp, auth_bp, users_bp, people_bp, campaigns_bp, items_bp, drafting_bp,
                      media_bp, media_links_bp, invitations_bp, feeds_bp, reports_bp, shared_bp, consent_bp,
                      review_bp, audit_bp, notifications_bp, outreach_bp, publishing_bp, protection_bp,
                      actors_bp, press_bp, press_shared_bp):
        app.register_blueprint(blueprint)

    from amplify import notifications

    notifications.init_app(app)

    from amplify import publishing

    publishing.init_app(app)

    from amplify.feeds import tasks

    tasks.bind(app)

    from amplify.cli import register_commands

    register_commands(app)
    return app
