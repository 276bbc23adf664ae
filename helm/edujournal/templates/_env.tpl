{{- define "edujournal.env" -}}
- name: DJANGO_SETTINGS_MODULE
  value: config.settings.prod
- name: PLATFORM_DOMAIN
  value: {{ .Values.platformDomain | quote }}
- name: CELERY_VISIBILITY_TIMEOUT
  value: {{ .Values.celery.visibilityTimeout | quote }}
{{- end -}}
{{- define "edujournal.envFrom" -}}
- secretRef:
    name: {{ .Values.existingSecret }}
{{- end -}}
