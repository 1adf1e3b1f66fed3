from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from motcua.results import services
from motcua.results.models import Result


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "signer_agency", "signed_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "signer_agency")
    search_fields = ("number", "dossier__code", "verification_token", "sha256")
    date_hierarchy = "signed_at"
    list_select_related = ("signer_agency",)
    show_full_result_count = False
    actions = ["revoke"]
    readonly_fields = [f.name for f in Result._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # read-only: revocation goes through the action (audited)

    def has_revoke_permission(self, request):
        return request.user.has_perm("results.change_result")

    @admin.action(description=_("Revoke the selected results"), permissions=["revoke"])
    def revoke(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if "apply" in request.POST:
            if not reason:
                self.message_user(request, _("Give the reason for revoking the result."), messages.ERROR)
            else:
                done = 0
                for result in queryset.filter(revoked_at__isnull=True):
                    services.revoke_result(result=result, actor=request.user, reason=reason)
                    done += 1
                self.message_user(request, _("%(n)d result(s) revoked.") % {"n": done}, messages.SUCCESS)
                return None
        return TemplateResponse(
            request,
            "admin/results/revoke.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Revoke results"),
                "results": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
