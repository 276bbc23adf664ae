from django.apps import AppConfig


class AttestationConfig(AppConfig):
    name = "journal.attestation"
    label = "attestation"
    verbose_name = "Журнал: промежуточная аттестация и график контрольных работ"
