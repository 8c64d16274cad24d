"""Accounts, roles, login and the access policy."""

from __future__ import annotations

from flask import Flask, render_template
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError

login_manager = LoginManager()


def init_app(app: Flask) -> None:
    """Set up flask-login, the Chinese 403/CSRF pages and the `auth` blueprint."""
    from app.auth import views

    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "info"
    login_manager.user_loader(views.load_user)
    login_manager.init_app(app)
    app.register_blueprint(views.bp)

    @app.errorhandler(403)
    def forbidden(_error):
        return render_template("auth/error.html", title="无权访问",
                               message="您没有权限访问此页面或执行此操作。"), 403

    @app.errorhandler(CSRFError)
    def csrf_failed(_error):
        return render_template("auth/error.html", title="请求无效",
                               message="页面已过期或缺少安全校验码，请返回刷新页面后重试。"), 400
