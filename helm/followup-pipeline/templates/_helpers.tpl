{{/* Chart name, truncated to what Kubernetes names allow. */}}
{{- define "followup.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every resource name: <release>-<chart>, or <release> when it already contains the chart name. */}}
{{- define "followup.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Labels of every resource; call with (dict "ctx" $ "component" "ingest" ["channel" "email"]). */}}
{{- define "followup.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: followup-pipeline
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
{{ include "followup.selectorLabels" . }}
{{- end -}}

{{/* Selector labels: stable for the life of a release (Deployments and StatefulSets cannot change them). */}}
{{- define "followup.selectorLabels" -}}
app.kubernetes.io/name: {{ include "followup.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- if .channel }}
followup.dev/channel: {{ .channel }}
{{- end }}
{{- end -}}

{{/* Image of a service; call with (dict "ctx" $ "service" "scheduler"). */}}
{{- define "followup.image" -}}
{{- printf "%s-%s:%s" .ctx.Values.image.repository .service (default .ctx.Chart.AppVersion .ctx.Values.image.tag) -}}
{{- end -}}

{{/* Name of the Secret holding Kafka credentials, empty when there is none. */}}
{{- define "followup.kafkaSecretName" -}}
{{- if .Values.kafka.existingSecret -}}
{{- .Values.kafka.existingSecret -}}
{{- else if .Values.kafka.saslJaasConfig -}}
{{- printf "%s-kafka" (include "followup.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Name of the Secret with the API key environment variables, empty when there is none. */}}
{{- define "followup.authSecretName" -}}
{{- if .Values.auth.existingSecret -}}
{{- .Values.auth.existingSecret -}}
{{- else if .Values.auth.apiKeys -}}
{{- printf "%s-auth" (include "followup.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Name of the Secret with the executor's webhook secrets and mailbox passwords, empty when there is none. */}}
{{- define "followup.executorSecretName" -}}
{{- if .Values.executor.existingSecret -}}
{{- .Values.executor.existingSecret -}}
{{- else if or .Values.executor.webhookSecrets .Values.executor.mailboxPasswords -}}
{{- printf "%s-executor" (include "followup.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Whether Kafka clients use SASL. */}}
{{- define "followup.kafkaSasl" -}}
{{- if hasPrefix "SASL_" .Values.kafka.securityProtocol -}}true{{- end -}}
{{- end -}}

{{/* Environment variables of every service: JVM options, Kafka credentials from their Secret (the service's own,
     kafka.services.<service>.existingSecret, so each service is its own Kafka principal; else the shared one).
     Call with (dict "ctx" $ "service" "ingest" "jvmOptions" "..."). */}}
{{- define "followup.commonEnv" -}}
- name: JAVA_TOOL_OPTIONS
  value: {{ trim (printf "%s %s" .ctx.Values.common.jvmOptions (default "" .jvmOptions)) | quote }}
{{- $own := (index .ctx.Values.kafka.services .service).existingSecret }}
{{- $secret := $own | default (include "followup.kafkaSecretName" .ctx) }}
{{- if and (include "followup.kafkaSasl" .ctx) $secret }}
- name: SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: sasl-jaas-config
{{- end }}
{{- if .ctx.Values.kafka.truststore.enabled }}
- name: SPRING_KAFKA_SSL_TRUSTSTOREPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .ctx.Values.kafka.existingSecret }}
      key: truststore-password
{{- end }}
{{- range $name, $value := .ctx.Values.common.env }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* Volumes every pod mounts: /tmp and, with a private CA, the Kafka truststore. */}}
{{- define "followup.commonVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.common.tmpSizeLimit }}
{{- if .Values.kafka.truststore.enabled }}
- name: kafka-truststore
  secret:
    secretName: {{ .Values.kafka.existingSecret }}
    items:
      - key: truststore.p12
        path: truststore.p12
{{- end }}
{{- end -}}

{{- define "followup.commonVolumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.kafka.truststore.enabled }}
- name: kafka-truststore
  mountPath: /etc/followup/kafka
  readOnly: true
{{- end }}
{{- end -}}

{{/* Probes on the actuator health groups, served on the management port. Call with (dict "ctx" $ "startupSeconds" 120). */}}
{{- define "followup.probes" -}}
startupProbe:
  httpGet:
    path: /actuator/health/liveness
    port: management
  periodSeconds: 5
  failureThreshold: {{ div (default 120 .startupSeconds) 5 }}
livenessProbe:
  httpGet:
    path: /actuator/health/liveness
    port: management
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /actuator/health/readiness
    port: management
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
{{- end -}}

{{/* Scheduling of every pod: node selection and the spread of a component's pods. Call with (dict "ctx" $ "component" .. ["channel" ..]). */}}
{{- define "followup.scheduling" -}}
{{- with .ctx.Values.common.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .ctx.Values.common.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .ctx.Values.common.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .ctx.Values.common.topologySpread.enabled }}
topologySpreadConstraints:
  - maxSkew: {{ .ctx.Values.common.topologySpread.maxSkew }}
    topologyKey: {{ .ctx.Values.common.topologySpread.topologyKey }}
    whenUnsatisfiable: {{ .ctx.Values.common.topologySpread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "followup.selectorLabels" . | nindent 8 }}
{{- end }}
{{- end -}}

{{/* Pod metadata labels and annotations. Call with (dict "ctx" $ "component" .. ["channel" ..] "checksum" ..). */}}
{{- define "followup.podMetadata" -}}
labels:
  {{- include "followup.labels" . | nindent 2 }}
  {{- with .ctx.Values.common.podLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
annotations:
  checksum/config: {{ .checksum }}
  {{- with .ctx.Values.common.podAnnotations }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/* Pod-level settings shared by every workload. */}}
{{- define "followup.podSettings" -}}
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- toYaml .Values.common.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Container ports: the service's HTTP port and the management port. */}}
{{- define "followup.containerPorts" -}}
ports:
  - name: http
    containerPort: {{ .port }}
    protocol: TCP
  - name: management
    containerPort: {{ .ctx.Values.common.managementPort }}
    protocol: TCP
{{- end -}}

{{/* followup.grants and followup.webhooks as ConfigMap entries, for ingest and the executor alike: the granted
     tenants of each reference (values' grants plus the references of executor.tenantSecrets), and the allowed
     webhook targets. */}}
{{- define "followup.grantsEnv" -}}
{{- $webhook := dict }}
{{- $mailbox := dict }}
{{- range $ref, $tenants := .Values.grants.webhookSecrets }}{{ $_ := set $webhook $ref $tenants }}{{ end }}
{{- range $ref, $tenants := .Values.grants.mailboxes }}{{ $_ := set $mailbox $ref $tenants }}{{ end }}
{{- range $entry := .Values.executor.tenantSecrets }}
{{- range $ref, $key := ($entry.webhookSecrets | default dict) }}
{{- $_ := set $webhook $ref (append (get $webhook $ref | default list) $entry.tenant | uniq) }}
{{- end }}
{{- range $ref, $key := ($entry.mailboxPasswords | default dict) }}
{{- $_ := set $mailbox $ref (append (get $mailbox $ref | default list) $entry.tenant | uniq) }}
{{- end }}
{{- end }}
{{- range $ref := keys $webhook | sortAlpha }}
{{ printf "FOLLOWUP_GRANTS_WEBHOOKSECRETS_%s" (upper $ref) }}: {{ get $webhook $ref | join "," | quote }}
{{- end }}
{{- range $ref := keys $mailbox | sortAlpha }}
{{ printf "FOLLOWUP_GRANTS_MAILBOXES_%s" (upper $ref) }}: {{ get $mailbox $ref | join "," | quote }}
{{- end }}
{{- if .Values.webhooks.allowedTargets }}
FOLLOWUP_WEBHOOKS_ALLOWEDTARGETS: {{ .Values.webhooks.allowedTargets | join "," | quote }}
{{- end }}
{{- end -}}

{{/* The executor's environment from per-tenant Secrets: one variable per reference, read from that tenant's Secret.
     A reference may belong to one tenant's Secret only (two values for one name would be ambiguous). */}}
{{- define "followup.tenantSecretEnv" -}}
{{- $seen := dict }}
{{- range $entry := .Values.executor.tenantSecrets }}
{{- range $ref, $key := ($entry.webhookSecrets | default dict) }}
{{- if hasKey $seen (printf "s-%s" $ref) }}{{ fail (printf "executor.tenantSecrets: webhook secret reference %q is in more than one tenant's Secret" $ref) }}{{ end }}
{{- $_ := set $seen (printf "s-%s" $ref) true }}
- name: {{ printf "FOLLOWUP_EXECUTOR_SECRETS_%s" (upper $ref) }}
  valueFrom:
    secretKeyRef: {name: {{ $entry.secretName | quote }}, key: {{ $key | quote }}}
{{- end }}
{{- range $ref, $key := ($entry.mailboxPasswords | default dict) }}
{{- if hasKey $seen (printf "m-%s" $ref) }}{{ fail (printf "executor.tenantSecrets: mailbox reference %q is in more than one tenant's Secret" $ref) }}{{ end }}
{{- $_ := set $seen (printf "m-%s" $ref) true }}
- name: {{ printf "FOLLOWUP_EXECUTOR_MAILBOXES_%s_PASSWORD" (upper $ref) }}
  valueFrom:
    secretKeyRef: {name: {{ $entry.secretName | quote }}, key: {{ $key | quote }}}
{{- end }}
{{- end }}
{{- end -}}

{{/* The unsubscribe links' key, from the chart's generated Secret or unsubscribe.existingSecret (ingest and executor;
     previous secrets, for a rotation, only from an existing Secret and only where ingest verifies). */}}
{{- define "followup.unsubscribeSecretEnv" -}}
{{- $name := .ctx.Values.unsubscribe.existingSecret | default (printf "%s-unsubscribe" (include "followup.fullname" .ctx)) }}
- name: FOLLOWUP_UNSUBSCRIBE_SECRET
  valueFrom:
    secretKeyRef: {name: {{ $name | quote }}, key: "unsubscribe-secret"}
{{- if and .verifies .ctx.Values.unsubscribe.existingSecret }}
- name: FOLLOWUP_UNSUBSCRIBE_PREVIOUSSECRETS
  valueFrom:
    secretKeyRef: {name: {{ $name | quote }}, key: "unsubscribe-previous-secrets", optional: true}
{{- end }}
{{- end -}}

{{/* Where recipients reach ingest: unsubscribe.baseUrl, else the ingest ingress's host, else nothing (no links). */}}
{{- define "followup.unsubscribeBaseUrl" -}}
{{- if .Values.unsubscribe.baseUrl }}
{{- .Values.unsubscribe.baseUrl }}
{{- else if and .Values.ingest.enabled .Values.ingest.ingress.enabled }}
{{- printf "%s://%s" (ternary "https" "http" (ne .Values.ingest.ingress.tlsSecret "")) .Values.ingest.ingress.host }}
{{- end }}
{{- end -}}
