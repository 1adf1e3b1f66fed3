"""Admin for users (Django's UserAdmin with the motcua fields and the officer's roles inline)
and for officer roles. Role grants and revocations made here are audited with the same actions
as the services' (``accounts.role_granted`` / ``accounts.role_revoked``), on top of core's
generic ``admin.*`` records."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import ApiToken, LoginFailure, OfficerRole, OneTimeCode, SignupRequest, User
from motcua.core import audit


def _audit_role(action: str, role: OfficerRole, actor) -> None:
    audit.record(
        action=action,
        obj=role,
        changes={"user": role.user_id, "agency": role.agency.code, "role": role.role},
        actor=actor,
    )


class ScopedRoleMixin:
    """Non-superusers handle only roles at agencies they administer."""

    def _administered(self, request):
        from motcua.accounts.selectors import administered_agencies

        return administered_agencies(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency" and not request.user.is_superuser:
            kwargs["queryset"] = self._administered(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OfficerRoleInline(ScopedRoleMixin, admin.TabularInline):
    model = OfficerRole
    extra = 0
    autocomplete_fields = ("agency",)
    fields = ("agency", "role")

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("agency")
        if request.user.is_superuser:
            return qs
        return qs.filter(agency__in=self._administered(request))


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "is_officer", "assurance_level", "is_staff", "is_active")
    list_filter = ("is_officer", "assurance_level", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "full_name", "personal_id", "email", "phone")
    ordering = ("username",)
    inlines = (OfficerRoleInline,)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personal info"),
            {"fields": ("full_name", "personal_id", "email", "phone", "assurance_level")},
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_officer", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "usable_password",
                    "password1",
                    "password2",
                    "is_officer",
                ),
            },
        ),
    )

    def save_formset(self, request, form, formset, change):
        if formset.model is not OfficerRole:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for role in formset.deleted_objects:
            _audit_role("accounts.role_revoked", role, request.user)
            role.delete()
        for role in instances:
            created = role.pk is None
            role.save()
            _audit_role("accounts.role_granted" if created else "accounts.role_changed", role, request.user)
        if instances and not form.instance.is_officer:
            form.instance.is_officer = True
            form.instance.save(update_fields=["is_officer"])
        formset.save_m2m()


@admin.register(OfficerRole)
class OfficerRoleAdmin(ScopedRoleMixin, admin.ModelAdmin):
    list_display = ("user", "role", "agency")
    list_filter = ("role", "agency__kind")
    search_fields = ("user__username", "user__full_name", "agency__code", "agency__name_folded")
    autocomplete_fields = ("user", "agency")
    list_select_related = ("user", "agency")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        from motcua.accounts.selectors import visible_agencies

        return qs.filter(agency__in=visible_agencies(request.user))

    def save_model(self, request, obj, form, change):
        created = obj.pk is None
        super().save_model(request, obj, form, change)
        _audit_role("accounts.role_granted" if created else "accounts.role_changed", obj, request.user)

    def delete_model(self, request, obj):
        _audit_role("accounts.role_revoked", obj, request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for role in queryset.select_related("agency"):
            _audit_role("accounts.role_revoked", role, request.user)
        super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the login flows: looked at, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SignupRequest)
class SignupRequestAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "full_name", "channel", "completed_at", "user")
    list_filter = ("channel", ("completed_at", admin.EmptyFieldListFilter))
    search_fields = ("personal_id", "full_name", "email", "phone")
    date_hierarchy = "created_at"
    exclude = ("password_hash",)
    list_select_related = ("user",)


@admin.register(OneTimeCode)
class OneTimeCodeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "purpose", "channel", "expires_at", "attempts", "used_at")
    list_filter = ("purpose", "channel")
    date_hierarchy = "created_at"
    exclude = ("code_hash",)
    raw_id_fields = ("signup", "user")


@admin.action(description=_("Revoke the selected tokens"))
def revoke_tokens(modeladmin, request, queryset):
    from motcua.accounts.api_auth import revoke_token

    for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
        revoke_token(token=token, actor=request.user)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "user", "name", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__username", "user__full_name", "name", "prefix")
    exclude = ("key_hash",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    actions = (revoke_tokens,)


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    """Deleting a user's failures (found by time) lifts a lockout early."""

    list_display = ("created_at", "key")
    date_hierarchy = "created_at"
