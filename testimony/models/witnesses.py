from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Witness(models.Model):
    """The public face of a witness: a descriptor that identifies a perspective, never a person."""

    class Role(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        PROTESTER = "protester", _("Protester")
        DRIVER = "driver", _("Driver")
        MEDICAL = "medical", _("Medical staff")
        JOURNALIST = "journalist", _("Journalist")
        SECURITY = "security", _("Security forces")
        OFFICIAL = "official", _("Official")
        OTHER = "other", _("Other")

    descriptor = models.CharField(
        _("public descriptor"),
        max_length=200,
        help_text=_('Public. Describes a perspective, never a person: "taxi driver", "resident of Shanyrak".'),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, db_index=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["descriptor", "id"]
        verbose_name = _("witness")
        verbose_name_plural = _("witnesses")

    def __str__(self):
        return self.descriptor


class WitnessIdentity(models.Model):
    """Who a witness really is. Confidential.

    Only users holding ``testimony.view_witnessidentity`` (granted by hand, in no group) may read it, in the admin or
    anywhere else. Public code never imports this model.
    """

    class Consent(models.TextChoices):
        NOT_ASKED = "not_asked", _("Not asked")
        VERBAL = "verbal", _("Verbal consent")
        WRITTEN = "written", _("Written consent")
        WITHDRAWN = "withdrawn", _("Consent withdrawn")

    class Anonymity(models.TextChoices):
        FULL = "full", _("Fully anonymous: no detail that could identify them")
        DESCRIPTOR = "descriptor", _("Public descriptor only")
        PSEUDONYM = "pseudonym", _("Pseudonym allowed")

    witness = models.OneToOneField(
        Witness, on_delete=models.CASCADE, related_name="identity", verbose_name=_("witness")
    )
    real_name = models.CharField(_("real name"), max_length=200, blank=True)
    contact = models.TextField(_("contact"), blank=True)
    consent = models.CharField(_("consent"), max_length=20, choices=Consent.choices, default=Consent.NOT_ASKED)
    anonymity = models.CharField(_("anonymity level"), max_length=20, choices=Anonymity.choices, default=Anonymity.FULL)
    private_notes = models.TextField(_("private notes"), blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("confidential witness identity")
        verbose_name_plural = _("confidential witness identities")

    def __str__(self):
        return f"Identity of witness #{self.witness_id}"
