"""Payments in the admin: read-only, with one action — record a refund — that calls the service."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.core.templatetags.motcua import format_vnd
from motcua.payments import services
from motcua.payments.models import Payment, PaymentEvent


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "outcome", "old_status", "new_status", "actor_label", "params")
    readonly_fields = fields
    ordering = ("at", "id")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RefundForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the refund"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Refund the money through the gateway's merchant portal or in cash first, then record it here."
        ),
    )


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "amount_vnd",
        "status",
        "channel",
        "gateway",
        "purpose",
        "created_at",
        "paid_at",
    )
    list_filter = ("status", "channel", "gateway")
    search_fields = ("=reference", "=purpose_id", "=gateway_transaction_no")
    date_hierarchy = "created_at"
    list_select_related = False
    inlines = [PaymentEventInline]
    actions = ["refund"]
    fields = (
        ("reference", "status", "channel"),
        ("amount", "gateway"),
        "description",
        "order_info",
        ("purpose_type", "purpose_id"),
        "next_url",
        "retry_of",
        ("gateway_transaction_no", "bank_code", "response_code"),
        ("created_at", "paid_at", "refunded_at", "updated_at"),
        "idempotency_key",
    )
    readonly_fields = (
        "reference",
        "status",
        "channel",
        "amount",
        "gateway",
        "description",
        "order_info",
        "purpose_type",
        "purpose_id",
        "next_url",
        "retry_of",
        "gateway_transaction_no",
        "bank_code",
        "response_code",
        "created_at",
        "paid_at",
        "refunded_at",
        "updated_at",
        "idempotency_key",
    )

    @admin.display(description=_("amount (VND)"), ordering="amount")
    def amount_vnd(self, obj: Payment) -> str:
        return format_vnd(obj.amount)

    @admin.display(description=_("purpose"))
    def purpose(self, obj: Payment) -> str:
        return f"{obj.purpose_type} #{obj.purpose_id}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # statuses change only through the services (the refund action below)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_refund_permission(self, request) -> bool:
        return request.user.has_perm("payments.change_payment")

    @admin.action(description=_("Record a refund for the selected payments"), permissions=["refund"])
    def refund(self, request, queryset):
        form = RefundForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            refunded, refused = [], []
            for payment in queryset.order_by("id"):
                try:
                    services.mark_refunded(
                        payment=payment, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                except services.PaymentError as exc:
                    refused.append(str(exc))
                else:
                    refunded.append(payment.reference)
            if refunded:
                self.message_user(
                    request,
                    gettext("Refund recorded for %(references)s.") % {"references": ", ".join(refunded)},
                    messages.SUCCESS,
                )
            for message in refused:
                self.message_user(request, message, messages.ERROR)
            return None
        return TemplateResponse(
            request,
            "payments/admin_refund.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Record a refund"),
                "opts": self.model._meta,
                "form": form,
                "payments": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )
