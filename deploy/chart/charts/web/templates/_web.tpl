{{/* The URL users reach JetBridge at: web.externalUrl, else the first ingress host. */}}
{{- define "jetbridge.web.externalUrl" -}}
{{- if .Values.externalUrl -}}
{{- .Values.externalUrl -}}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts -}}
{{- printf "%s://%s" (ternary "https" "http" (not (empty .Values.ingress.tls))) (first .Values.ingress.hosts) -}}
{{- end -}}
{{- end -}}

{{- define "jetbridge.web.authSecretName" -}}
{{- default (printf "%s-session" (include "jetbridge.serviceName" .)) .Values.auth.existingSecret -}}
{{- end -}}
