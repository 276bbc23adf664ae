{{/* Names ---------------------------------------------------------------------------- */}}

{{- define "edujournal.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "edujournal.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "edujournal.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* A component's object name: (dict "root" $ "component" "web") */}}
{{- define "edujournal.componentName" -}}
{{- printf "%s-%s" (include "edujournal.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "edujournal.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "edujournal.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "edujournal.secretName" -}}
{{- if .Values.secrets.existingSecret -}}
{{- .Values.secrets.existingSecret -}}
{{- else -}}
{{- printf "%s-secrets" (include "edujournal.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "edujournal.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Labels: the standard app.kubernetes.io/* set -------------------------------------- */}}

{{- define "edujournal.selectorLabels" -}}
app.kubernetes.io/name: {{ include "edujournal.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "edujournal.labels" -}}
{{ include "edujournal.selectorLabels" . }}
helm.sh/chart: {{ include "edujournal.chart" .root }}
app.kubernetes.io/version: {{ default .root.Chart.AppVersion .root.Values.image.tag | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: edujournal
{{- end -}}

{{/* The processes (files/processes.yaml, shared with infra/compose.yaml) -------------- */}}

{{- define "edujournal.processes" -}}
{{- .Files.Get "files/processes.yaml" -}}
{{- end -}}

{{/* argv of a worker kind: (dict "root" $ "kind" "reports" "worker" $worker) */}}
{{- define "edujournal.workerCommand" -}}
{{- $processes := include "edujournal.processes" .root | fromYaml -}}
{{- $argv := concat $processes.worker (list "--queues" (join "," .worker.queues) "--hostname" (printf "%s@%%h" .kind) "--concurrency" (toString .worker.concurrency)) -}}
{{- toJson $argv -}}
{{- end -}}

{{/* Secrets as files ---------------------------------------------------------------- */}}

{{/* The keys of the Secret, sorted: from secrets.values when the chart creates it. */}}
{{- define "edujournal.secretKeys" -}}
{{- if .Values.secrets.existingSecret -}}
{{- toJson (sortAlpha (uniq .Values.secrets.keys)) -}}
{{- else -}}
{{- toJson (sortAlpha (keys .Values.secrets.values)) -}}
{{- end -}}
{{- end -}}

{{- define "edujournal.secretsDir" -}}/run/secrets/edujournal{{- end -}}

{{/* <KEY>_FILE for each key; (dict "root" $ "databaseUrlKey" "DATABASE_URL") */}}
{{- define "edujournal.secretFileEnv" -}}
{{- $root := .root -}}
{{- $dir := include "edujournal.secretsDir" $root -}}
{{- $dbKey := default "DATABASE_URL" .databaseUrlKey -}}
{{- range $key := include "edujournal.secretKeys" $root | fromJsonArray }}
{{- if and (eq $key "DATABASE_URL") (ne $dbKey "DATABASE_URL") }}
- name: DATABASE_URL_FILE
  value: {{ printf "%s/%s" $dir $dbKey | quote }}
{{- else if eq $key $root.Values.pgbouncer.userlistKey }}
{{- /* PgBouncer's userlist is not a Django setting */}}
{{- else }}
- name: {{ printf "%s_FILE" $key }}
  value: {{ printf "%s/%s" $dir $key | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Settings (the ConfigMap's data; the migration hook gets them inline) ------------- */}}

{{- define "edujournal.settings" -}}
{{- $c := .Values.config -}}
DJANGO_SETTINGS_MODULE: config.settings.prod
PLATFORM_DOMAIN: {{ .Values.platformDomain | quote }}
EXTRA_ALLOWED_HOSTS: {{ join "," .Values.extraAllowedHosts | quote }}
TIME_ZONE: {{ $c.timeZone | quote }}
LOG_LEVEL: {{ $c.logLevel | quote }}
SENTRY_ENVIRONMENT: {{ $c.sentryEnvironment | quote }}
EMAIL_HOST: {{ $c.email.host | quote }}
EMAIL_PORT: {{ $c.email.port | quote }}
DEFAULT_FROM_EMAIL: {{ default (printf "noreply@%s" .Values.platformDomain) $c.email.from | quote }}
CELERY_VISIBILITY_TIMEOUT: {{ $c.celeryVisibilityTimeout | quote }}
OUTBOUND_HOST_ALLOWLIST: {{ join "," $c.outboundHostAllowlist | quote }}
GUNICORN_WORKERS: {{ .Values.web.gunicornWorkers | quote }}
{{- /* Behind a session-mode PgBouncer a kept connection holds a pooled server connection
       between requests: close it after each request (docs/operations.md). */}}
DATABASE_CONN_MAX_AGE: {{ ternary "0" "600" .Values.pgbouncer.enabled | quote }}
DB_RECYCLE_AFTER_SCHOOLS_WEB: {{ .Values.web.recycleAfterSchools | quote }}
FORWARDED_ALLOW_IPS: {{ default "*" $c.forwardedAllowIps | quote }}
MEDIA_ROOT: /var/lib/edujournal/media
BACKUP_ROOT: /var/lib/edujournal/backups
{{- range $location := list "primary" "secondary" }}
{{- $store := index $.Values.storage.archive $location }}
{{- $prefix := printf "ARCHIVE_%s" (upper $location) }}
{{- if eq $store.type "s3" }}
{{ $prefix }}_S3_BUCKET: {{ $store.s3.bucket | quote }}
{{ $prefix }}_S3_ENDPOINT: {{ $store.s3.endpoint | quote }}
{{ $prefix }}_S3_REGION: {{ $store.s3.region | quote }}
{{ $prefix }}_S3_PREFIX: {{ $store.s3.prefix | quote }}
{{- else }}
{{ $prefix }}_ROOT: {{ printf "/var/lib/edujournal/archive/%s" $location | quote }}
{{- end }}
{{- end }}
# A writable home for caches (fontconfig for the PDF reports); the root is read-only.
HOME: /tmp
XDG_CACHE_HOME: /tmp/.cache
{{- range $name, $value := $c.extra }}
{{ $name }}: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* Pods ---------------------------------------------------------------------------- */}}

{{- define "edujournal.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
fsGroup: {{ .Values.podSecurityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "edujournal.containerSecurityContext" -}}
runAsNonRoot: true
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
capabilities:
  drop: [ALL]
{{- end -}}

{{/* Whether a filesystem volume of the storage block is used. */}}
{{- define "edujournal.claimName" -}}
{{- if .claim.existingClaim -}}
{{- .claim.existingClaim -}}
{{- else -}}
{{- include "edujournal.componentName" (dict "root" .root "component" .name) -}}
{{- end -}}
{{- end -}}

{{- define "edujournal.secretVolume" -}}
- name: secrets
  secret:
    secretName: {{ include "edujournal.secretName" . }}
    defaultMode: 0440
    # Only the platform's keys: PgBouncer's userlist stays out of the app pods.
    items:
      {{- range $key := include "edujournal.secretKeys" . | fromJsonArray }}
      {{- if ne $key $.Values.pgbouncer.userlistKey }}
      - key: {{ $key }}
        path: {{ $key }}
      {{- end }}
      {{- end }}
{{- end -}}

{{/* The volumes and mounts of web and workers: (dict "root" $ "databaseUrlKey" ...) */}}
{{- define "edujournal.appVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 1Gi
{{ include "edujournal.secretVolume" . }}
- name: media
  persistentVolumeClaim:
    claimName: {{ include "edujournal.claimName" (dict "root" . "name" "media" "claim" .Values.storage.media) }}
- name: backups
  persistentVolumeClaim:
    claimName: {{ include "edujournal.claimName" (dict "root" . "name" "backups" "claim" .Values.storage.backups) }}
{{- range $location := list "primary" "secondary" }}
{{- $store := index $.Values.storage.archive $location }}
{{- if eq $store.type "filesystem" }}
- name: archive-{{ $location }}
  persistentVolumeClaim:
    claimName: {{ include "edujournal.claimName" (dict "root" $ "name" (printf "archive-%s" $location) "claim" $store.filesystem) }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "edujournal.appVolumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: secrets
  mountPath: {{ include "edujournal.secretsDir" . }}
  readOnly: true
- name: media
  mountPath: /var/lib/edujournal/media
- name: backups
  mountPath: /var/lib/edujournal/backups
{{- range $location := list "primary" "secondary" }}
{{- if eq (index $.Values.storage.archive $location).type "filesystem" }}
- name: archive-{{ $location }}
  mountPath: /var/lib/edujournal/archive/{{ $location }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Common pod spec parts */}}
{{- define "edujournal.podScheduling" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Checks the schema cannot express ------------------------------------------------- */}}
{{- define "edujournal.validate" -}}
{{- if and .Values.secrets.existingSecret .Values.secrets.values -}}
{{- fail "secrets: give either secrets.existingSecret or secrets.values, not both" -}}
{{- end -}}
{{- $keys := include "edujournal.secretKeys" . | fromJsonArray -}}
{{- range $required := list "DJANGO_SECRET_KEY" "DATABASE_URL" "REDIS_URL" -}}
{{- if not (has $required $keys) -}}
{{- fail (printf "secrets: the Secret must hold %s (secrets.keys or secrets.values)" $required) -}}
{{- end -}}
{{- end -}}
{{- if not (has .Values.migrations.databaseUrlKey $keys) -}}
{{- fail (printf "migrations.databaseUrlKey: %s is not a key of the Secret" .Values.migrations.databaseUrlKey) -}}
{{- end -}}
{{- range $location := list "primary" "secondary" -}}
{{- if eq (index $.Values.storage.archive $location).type "s3" -}}
{{- range $suffix := list "ACCESS_KEY" "SECRET_KEY" -}}
{{- $key := printf "ARCHIVE_%s_S3_%s" (upper $location) $suffix -}}
{{- if not (has $key $keys) -}}
{{- fail (printf "storage.archive.%s: type s3 needs the secret key %s" $location $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and (not .Values.networkPolicy.enabled) (eq (default "*" .Values.config.forwardedAllowIps) "*") -}}
{{- fail "config.forwardedAllowIps: \"*\" trusts every client's X-Forwarded-* headers when networkPolicy is disabled; give the ingress controller's addresses" -}}
{{- end -}}
{{- if and .Values.pgbouncer.enabled (not (has .Values.pgbouncer.userlistKey $keys)) -}}
{{- fail (printf "pgbouncer.userlistKey: %s is not a key of the Secret" .Values.pgbouncer.userlistKey) -}}
{{- end -}}
{{- end -}}

{{/* NetworkPolicy egress ------------------------------------------------------------- */}}

{{- define "edujournal.dnsEgress" -}}
- to:
    - {{- toYaml .Values.networkPolicy.dns | nindent 6 }}
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- end -}}

{{/* DNS, PostgreSQL (and PgBouncer), Redis, SMTP, object storage, the operator's extras. */}}
{{- define "edujournal.appEgress" -}}
{{ include "edujournal.dnsEgress" . }}
{{- range $service := list "postgresql" "redis" "smtp" "objectStorage" }}
{{- $rule := index $.Values.networkPolicy.egress $service }}
- ports:
    - port: {{ $rule.port }}
      protocol: TCP
  {{- with $rule.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- if .Values.pgbouncer.enabled }}
- ports:
    - port: 6432
      protocol: TCP
  to:
    - podSelector:
        matchLabels:
          {{- include "edujournal.selectorLabels" (dict "root" . "component" "pgbouncer") | nindent 10 }}
{{- end }}
{{- with .Values.networkPolicy.extraEgress }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* PgBouncer's configuration (templates/pgbouncer.yaml) */}}
{{- define "edujournal.pgbouncerIni" -}}
; Session pooling only: the platform sets search_path per connection (one schema per
; school); transaction pooling would hand one school's search_path to another's query.
[databases]
* = host={{ .Values.pgbouncer.upstream.host }} port={{ .Values.pgbouncer.upstream.port }}

[pgbouncer]
listen_addr = 0.0.0.0
listen_port = 6432
unix_socket_dir =
pool_mode = {{ .Values.pgbouncer.poolMode }}
auth_type = scram-sha-256
auth_file = /etc/pgbouncer/secret/userlist.txt
max_client_conn = {{ .Values.pgbouncer.maxClientConn }}
default_pool_size = {{ .Values.pgbouncer.defaultPoolSize }}
server_reset_query = DISCARD ALL
ignore_startup_parameters = extra_float_digits,options
admin_users =
stats_users =
log_connections = 0
log_disconnections = 0
{{- end -}}
