{{/*
Helpers shared by the umbrella chart and its service subcharts. Helm parses every chart's
templates into one set, so the subcharts include these by name; they read only .Release,
.Chart and .Values.global, which a subchart sees as the umbrella does.
*/}}

{{/* The prefix of every resource name: the release name, with "-jetbridge" unless it says so. */}}
{{- define "jetbridge.fullname" -}}
{{- if contains "jetbridge" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-jetbridge" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The name of a service's resources: "<fullname>-<chart>" for a service subchart. */}}
{{- define "jetbridge.serviceName" -}}
{{- printf "%s-%s" (include "jetbridge.fullname" .) .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "jetbridge.selectorLabels" -}}
app.kubernetes.io/name: jetbridge
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: {{ .Chart.Name }}
{{- end -}}

{{- define "jetbridge.labels" -}}
{{ include "jetbridge.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: jetbridge
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "jetbridge.image" -}}
{{- $image := .Values.global.image -}}
{{- printf "%s:%s" $image.repository (default .Chart.AppVersion $image.tag) -}}
{{- end -}}

{{/* Namespace of step pods, of the claims they mount and of the RBAC that lets services manage them. */}}
{{- define "jetbridge.stepNamespace" -}}
{{- default .Release.Namespace .Values.global.kubernetes.namespace -}}
{{- end -}}

{{/* The artifact store claim's name, empty when the store is disabled. */}}
{{- define "jetbridge.artifactStoreClaim" -}}
{{- $store := .Values.global.persistence.artifactStore -}}
{{- if $store.enabled -}}
{{- default (printf "%s-artifacts" (include "jetbridge.fullname" .)) $store.existingClaim -}}
{{- end -}}
{{- end -}}

{{/* The cache claim's name, empty when caches are emptyDir volumes. */}}
{{- define "jetbridge.cacheClaim" -}}
{{- $cache := .Values.global.persistence.cache -}}
{{- if $cache.enabled -}}
{{- default (printf "%s-cache" (include "jetbridge.fullname" .)) $cache.existingClaim -}}
{{- end -}}
{{- end -}}

{{/* ConfigMap and Secret that carry the Postgres connection as CONCOURSE_POSTGRES_* variables. */}}
{{- define "jetbridge.postgresEnvName" -}}
{{- printf "%s-postgres" (include "jetbridge.fullname" .) -}}
{{- end -}}

{{/* ConfigMap that carries CONCOURSE_NATS_URL. */}}
{{- define "jetbridge.natsEnvName" -}}
{{- printf "%s-nats" (include "jetbridge.fullname" .) -}}
{{- end -}}

{{- define "jetbridge.postgresEnvFrom" -}}
- configMapRef:
    name: {{ include "jetbridge.postgresEnvName" . }}
- secretRef:
    name: {{ include "jetbridge.postgresEnvName" . }}
{{- end -}}

{{- define "jetbridge.natsEnvFrom" -}}
- configMapRef:
    name: {{ include "jetbridge.natsEnvName" . }}
{{- end -}}

{{- define "jetbridge.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The image runs as the unprivileged `node` user; nothing writes outside /tmp and claims. */}}
{{- define "jetbridge.podSecurityContext" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 1000
  runAsGroup: 1000
  fsGroup: 1000
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{- define "jetbridge.containerSecurityContext" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: [ALL]
{{- end -}}

{{/* Pod annotations that let an annotation-based Prometheus scrape /metrics on the given port. */}}
{{- define "jetbridge.metricsAnnotations" -}}
prometheus.io/scrape: "true"
prometheus.io/path: /metrics
prometheus.io/port: {{ .port | quote }}
{{- end -}}

{{/* The scheduling knobs every service's pod spec takes from its values. */}}
{{- define "jetbridge.scheduling" -}}
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

{{/*
The namespace of a service's resources. The artifacts service runs beside the step pods, because
both mount the artifact store claim and a claim is only mountable in its own namespace.
*/}}
{{- define "jetbridge.namespace" -}}
{{- if eq .Chart.Name "artifacts" -}}
{{- include "jetbridge.stepNamespace" . -}}
{{- else -}}
{{- .Release.Namespace -}}
{{- end -}}
{{- end -}}

{{/*
A HorizontalPodAutoscaler for the service's Deployment when .Values.autoscaling.enabled; the
Deployment then leaves replicas to it.
*/}}
{{- define "jetbridge.hpa" -}}
{{- $as := .Values.autoscaling -}}
{{- if $as.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "jetbridge.serviceName" . }}
  namespace: {{ include "jetbridge.namespace" . }}
  labels:
    {{- include "jetbridge.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "jetbridge.serviceName" . }}
  minReplicas: {{ $as.minReplicas }}
  maxReplicas: {{ $as.maxReplicas }}
  metrics:
    {{- if $as.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $as.targetCPUUtilizationPercentage }}
    {{- end }}
    {{- if $as.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ $as.targetMemoryUtilizationPercentage }}
    {{- end }}
{{- end }}
{{- end -}}

{{/*
A ServiceMonitor on /metrics of the service's Service when global.metrics.serviceMonitor.enabled.
Takes (dict "ctx" $ "port" "<name of the Service port that serves /metrics>").
*/}}
{{- define "jetbridge.serviceMonitor" -}}
{{- $ctx := .ctx -}}
{{- $sm := $ctx.Values.global.metrics.serviceMonitor -}}
{{- if $sm.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "jetbridge.serviceName" $ctx }}
  namespace: {{ include "jetbridge.namespace" $ctx }}
  labels:
    {{- include "jetbridge.labels" $ctx | nindent 4 }}
    {{- with $sm.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "jetbridge.selectorLabels" $ctx | nindent 6 }}
  endpoints:
    - port: {{ .port }}
      path: /metrics
      interval: {{ $sm.interval }}
{{- end }}
{{- end -}}

{{/*
The service account of a service that manages step pods (pod-executor, reaper), and its Role in
the step namespace: create, follow, exec into and delete pods, read their logs and events.
*/}}
{{- define "jetbridge.stepPodRbac" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "jetbridge.serviceName" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "jetbridge.labels" . | nindent 4 }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ include "jetbridge.serviceName" . }}
  namespace: {{ include "jetbridge.stepNamespace" . }}
  labels:
    {{- include "jetbridge.labels" . | nindent 4 }}
rules:
  - apiGroups: ['']
    resources: [pods]
    verbs: [get, list, watch, create, delete, deletecollection]
  - apiGroups: ['']
    resources: [pods/exec]
    verbs: [create, get]
  - apiGroups: ['']
    resources: [pods/log]
    verbs: [get]
  - apiGroups: ['']
    resources: [events]
    verbs: [list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ include "jetbridge.serviceName" . }}
  namespace: {{ include "jetbridge.stepNamespace" . }}
  labels:
    {{- include "jetbridge.labels" . | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ include "jetbridge.serviceName" . }}
subjects:
  - kind: ServiceAccount
    name: {{ include "jetbridge.serviceName" . }}
    namespace: {{ .Release.Namespace }}
{{- end -}}

{{/* A ClusterIP Service for the `metrics` port of a service that has no other port. */}}
{{- define "jetbridge.metricsService" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "jetbridge.serviceName" . }}
  namespace: {{ include "jetbridge.namespace" . }}
  labels:
    {{- include "jetbridge.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "jetbridge.selectorLabels" . | nindent 4 }}
  ports:
    - name: metrics
      port: {{ .Values.metricsPort }}
      targetPort: metrics
{{- end -}}
