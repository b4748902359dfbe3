{{/*
Where the services find Postgres and NATS: the bundled charts' Services, or the external servers
named in values. Only the umbrella chart renders these; the services read the result from the
ConfigMaps and the Secret that connections.yaml renders.
*/}}

{{/* The fullname a dependency chart gives its resources, following the common Helm convention. */}}
{{- define "jetbridge.dependencyFullname" -}}
{{- $values := .values -}}
{{- if $values.fullnameOverride -}}
{{- $values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .chart $values.nameOverride -}}
{{- if contains $name .root.Release.Name -}}
{{- .root.Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .root.Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "jetbridge.postgresHost" -}}
{{- if .Values.postgresql.enabled -}}
{{- $name := include "jetbridge.dependencyFullname" (dict "root" . "chart" "postgresql" "values" .Values.postgresql) -}}
{{- printf "%s.%s.svc" $name .Release.Namespace -}}
{{- else -}}
{{- required "postgres.host is required when postgresql.enabled is false" .Values.postgres.host -}}
{{- end -}}
{{- end -}}

{{- define "jetbridge.postgresPort" -}}
{{- if .Values.postgresql.enabled -}}5432{{- else -}}{{ .Values.postgres.port }}{{- end -}}
{{- end -}}

{{- define "jetbridge.postgresUser" -}}
{{- if .Values.postgresql.enabled -}}postgres{{- else -}}{{ .Values.postgres.user }}{{- end -}}
{{- end -}}

{{- define "jetbridge.postgresDatabase" -}}
{{- if .Values.postgresql.enabled -}}
{{- .Values.postgresql.auth.database -}}
{{- else -}}
{{- .Values.postgres.database -}}
{{- end -}}
{{- end -}}

{{- define "jetbridge.natsUrl" -}}
{{- if .Values.nats.enabled -}}
{{- $name := include "jetbridge.dependencyFullname" (dict "root" . "chart" "nats" "values" .Values.nats) -}}
{{- printf "nats://%s.%s.svc:4222" $name .Release.Namespace -}}
{{- else -}}
{{- required "nats.url is required when nats.enabled is false" .Values.nats.url -}}
{{- end -}}
{{- end -}}

{{/*
The Postgres password: the value given, else the one an earlier install stored, else a new
random one. The bundled Postgres reads the same Secret, so both ends agree.
*/}}
{{- define "jetbridge.postgresPassword" -}}
{{- if .Values.postgres.password -}}
{{- .Values.postgres.password -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "jetbridge.postgresEnvName" .) -}}
{{- if and $existing $existing.data (hasKey $existing.data "CONCOURSE_POSTGRES_PASSWORD") -}}
{{- index $existing.data "CONCOURSE_POSTGRES_PASSWORD" | b64dec -}}
{{- else -}}
{{- randAlphaNum 32 -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Every namespace a JetBridge pod runs in: the release's, and the step pods' for artifacts. */}}
{{- define "jetbridge.serviceNamespaces" -}}
{{- list .Release.Namespace (include "jetbridge.stepNamespace" .) | uniq | join " " -}}
{{- end -}}
