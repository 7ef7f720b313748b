{{/*
Helpers shared by every template. Written for Helm >= 3.6 (Go text/template before Go 1.18):
`and`/`or` evaluate every argument there, so nil-safe checks are nested `if`s, not `and` chains.
*/}}

{{/* Chart name, cut to a DNS label. */}}
{{- define "icsync.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Resource name prefix: `<release>-icsync`, or the release name when it already contains the chart name. */}}
{{- define "icsync.fullname" -}}
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

{{/*
CronJob names. A CronJob name may be at most 52 characters, because the controller appends an
11-character suffix to name its Jobs
(https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#writing-a-cronjob-spec).
*/}}
{{- define "icsync.syncCronJobName" -}}
{{- include "icsync.fullname" . | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{- define "icsync.diffCronJobName" -}}
{{- printf "%s-diff" (include "icsync.fullname" . | trunc 47 | trimSuffix "-") -}}
{{- end -}}

{{- define "icsync.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "icsync.selectorLabels" -}}
app.kubernetes.io/name: {{ include "icsync.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "icsync.labels" -}}
helm.sh/chart: {{ include "icsync.chart" . }}
{{ include "icsync.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Labels of one component; call with (dict "root" $ "component" "sync"). */}}
{{- define "icsync.componentLabels" -}}
{{ include "icsync.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "icsync.componentSelectorLabels" -}}
{{ include "icsync.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "icsync.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "icsync.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* A digest, when given, wins over the tag: the pods then run exactly the reviewed image. */}}
{{- define "icsync.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "icsync.secretName" -}}
{{- default (include "icsync.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "icsync.stateClaimName" -}}
{{- default (printf "%s-state" (include "icsync.fullname" .)) .Values.persistence.existingClaim -}}
{{- end -}}

{{- define "icsync.configPath" -}}/etc/icsync/config.yaml{{- end -}}

{{- define "icsync.scimTokenPath" -}}
{{- printf "%s/%s" (trimSuffix "/" .Values.secrets.mountPath) .Values.secrets.scimTokenKey -}}
{{- end -}}

{{/* "file" or "redis": where icsync keeps its run state (config.state.kind, default file). */}}
{{- define "icsync.stateKind" -}}
{{- $state := default (dict) .Values.config.state -}}
{{- default "file" $state.kind -}}
{{- end -}}

{{/* "true" when plans go through the BullMQ queue (config.queue.enabled), else empty. */}}
{{- define "icsync.queueEnabled" -}}
{{- $queue := default (dict) .Values.config.queue -}}
{{- if $queue.enabled -}}true{{- end -}}
{{- end -}}

{{/* "true" when any icsync process talks to Redis (queue mode or the Redis state store). */}}
{{- define "icsync.usesRedis" -}}
{{- if or (include "icsync.queueEnabled" .) (eq (include "icsync.stateKind" .) "redis") -}}true{{- end -}}
{{- end -}}

{{- define "icsync.statePath" -}}
{{- $state := default (dict) .Values.config.state -}}
{{- default (printf "%s/state.json" (trimSuffix "/" .Values.persistence.mountPath)) $state.path -}}
{{- end -}}

{{/*
Refuses any `{ env: NAME }` secret reference in the config: on Kubernetes every secret is a file
mounted from the Secret, never an environment variable. Called with
(list "<path>" <node>) and walks maps and lists.
*/}}
{{- define "icsync.refuseEnvSecrets" -}}
{{- $path := index . 0 -}}
{{- $node := index . 1 -}}
{{- if kindIs "map" $node -}}
{{- if hasKey $node "env" -}}
{{- fail (printf "%s: secrets are mounted as files from the Secret; write { file: <secrets.mountPath>/<key> } instead of { env: ... }" $path) -}}
{{- end -}}
{{- range $key, $value := $node -}}
{{- include "icsync.refuseEnvSecrets" (list (printf "%s.%s" $path $key) $value) -}}
{{- end -}}
{{- else if kindIs "slice" $node -}}
{{- range $i, $value := $node -}}
{{- include "icsync.refuseEnvSecrets" (list (printf "%s[%d]" $path $i) $value) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
With a Secret generated from secrets.values, every { file: <mountPath>/<key> } reference in the
config must name one of its keys, so a misspelt key fails the install instead of the first run.
Called with (list "<path>" <node> <mountPath> <secret values>).
*/}}
{{- define "icsync.checkSecretFiles" -}}
{{- $path := index . 0 -}}
{{- $node := index . 1 -}}
{{- $mount := index . 2 -}}
{{- $keys := index . 3 -}}
{{- if kindIs "map" $node -}}
{{- if and (hasKey $node "file") (eq (len $node) 1) -}}
{{- $file := toString $node.file -}}
{{- if hasPrefix (printf "%s/" $mount) $file -}}
{{- $key := trimPrefix (printf "%s/" $mount) $file -}}
{{- if not (index $keys $key) -}}
{{- fail (printf "%s: %s names the Secret key %q, which secrets.values does not set" $path $file $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $key, $value := $node -}}
{{- include "icsync.checkSecretFiles" (list (printf "%s.%s" $path $key) $value $mount $keys) -}}
{{- end -}}
{{- else if kindIs "slice" $node -}}
{{- range $i, $value := $node -}}
{{- include "icsync.checkSecretFiles" (list (printf "%s[%d]" $path $i) $value $mount $keys) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Every rule the values must satisfy, with the reason in the message. It renders nothing, and runs
before the config is rendered (by the ConfigMap and every pod's checksum), so an invalid release
fails at `helm install` / `helm template` whichever template Helm renders first.
*/}}
{{- define "icsync.validate" -}}
{{- $v := .Values -}}
{{- if not $v.config.sources -}}
{{- fail "config.sources: list at least one directory source (ldap, file, entra or okta), as in config/example.yaml" -}}
{{- end -}}
{{- $_ := required "config.target.baseUrl is required: the IAM Identity Center SCIM endpoint, https://scim.<region>.amazonaws.com/<tenant>/scim/v2" $v.config.target.baseUrl -}}
{{- if hasKey $v.config.target "token" -}}
{{- fail "config.target.token is set by the chart to the file secrets.mountPath/secrets.scimTokenKey; remove it from the values" -}}
{{- end -}}
{{- include "icsync.refuseEnvSecrets" (list "config" $v.config) -}}
{{- if not $v.secrets.existingSecret -}}
{{- if not (index (default (dict) $v.secrets.values) $v.secrets.scimTokenKey) -}}
{{- fail (printf "secrets: set secrets.existingSecret to a Secret holding the key %q, or give secrets.values.%s" $v.secrets.scimTokenKey $v.secrets.scimTokenKey) -}}
{{- end -}}
{{- include "icsync.checkSecretFiles" (list "config" $v.config (trimSuffix "/" $v.secrets.mountPath) (default (dict) $v.secrets.values)) -}}
{{- end -}}
{{- range $v.extraEnv -}}
{{- if .valueFrom -}}
{{- if .valueFrom.secretKeyRef -}}
{{- fail (printf "extraEnv.%s: secrets are mounted as files, never passed in environment variables; add the key to the Secret and reference it as { file: ... } in config" .name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $stateKind := include "icsync.stateKind" . -}}
{{- if eq $stateKind "file" -}}
{{- if not $v.persistence.enabled -}}
{{- fail "config.state.kind is file but persistence.enabled is false: the state (grace-period clocks, source sizes for the shrink guard) would be lost after every run; enable persistence or use config.state.kind: redis" -}}
{{- end -}}
{{- if not (hasPrefix (printf "%s/" (trimSuffix "/" $v.persistence.mountPath)) (include "icsync.statePath" .)) -}}
{{- fail (printf "config.state.path must be under persistence.mountPath (%s): the root filesystem is read-only" $v.persistence.mountPath) -}}
{{- end -}}
{{- if $v.webhook.enabled -}}
{{- fail "webhook.enabled needs config.state.kind: redis: webhook replicas share no disk with the sync Job" -}}
{{- end -}}
{{- end -}}
{{- if $v.webhook.enabled -}}
{{- if not $v.config.serve -}}
{{- fail "webhook.enabled needs config.serve with graph or okta configured (docs/webhooks.md)" -}}
{{- end -}}
{{- if hasKey $v.config.serve "port" -}}
{{- if ne (int $v.config.serve.port) (int $v.webhook.port) -}}
{{- fail "config.serve.port differs from webhook.port: set webhook.port only; the chart writes it into config.serve.port so the container port, probes and Service agree" -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if include "icsync.queueEnabled" . -}}
{{- if not $v.worker.enabled -}}
{{- fail "config.queue.enabled is true but worker.enabled is false: queued operations would never be applied and every sync would wait until its deadline" -}}
{{- end -}}
{{- else if $v.worker.enabled -}}
{{- fail "worker.enabled is true but config.queue.enabled is false: the sync would apply plans itself and the workers would idle; enable config.queue.enabled" -}}
{{- end -}}
{{- if $v.cronjob.enabled -}}
{{- if or (lt (int $v.cronjob.backoffLimit) 0) (gt (int $v.cronjob.backoffLimit) 1) -}}
{{- fail "cronjob.backoffLimit must be 0 or 1: icsync retries every request itself, and each Job retry re-reads every source and AWS" -}}
{{- end -}}
{{- end -}}
{{- if lt (int $v.cronjob.startingDeadlineSeconds) 60 -}}
{{- fail "cronjob.startingDeadlineSeconds must be at least 60: the CronJob controller checks every 10 s and may never start a run with a shorter deadline" -}}
{{- end -}}
{{- if lt (int $v.cronjob.activeDeadlineSeconds) 60 -}}
{{- fail "cronjob.activeDeadlineSeconds must be at least 60 and above the longest expected run" -}}
{{- end -}}
{{- end -}}

{{/*
The icsync configuration as the pods read it: config from the values, with the SCIM token pointed
at its mounted Secret file, for file state the state path on the persistent volume, and with the
webhook enabled, serve.port set to webhook.port.
*/}}
{{- define "icsync.configYaml" -}}
{{- include "icsync.validate" . -}}
{{- $cfg := deepCopy .Values.config -}}
{{- $_ := set $cfg.target "token" (dict "file" (include "icsync.scimTokenPath" .)) -}}
{{- $state := default (dict) $cfg.state -}}
{{- if eq (include "icsync.stateKind" .) "file" -}}
{{- $_ := set $state "path" (include "icsync.statePath" .) -}}
{{- end -}}
{{- $_ := set $cfg "state" $state -}}
{{- if .Values.webhook.enabled -}}
{{- $_ := set $cfg.serve "port" (int .Values.webhook.port) -}}
{{- else if not $cfg.serve -}}
{{- /* An empty serve section is left out: only `icsync serve` reads it. */ -}}
{{- $_ := unset $cfg "serve" -}}
{{- end -}}
{{- toYaml $cfg -}}
{{- end -}}

{{/*
The pod spec every icsync pod shares (the Pod Security "restricted" profile and more): its own
ServiceAccount without a token, the hardened security contexts, config and Secret as read-only
files, an emptyDir for /tmp (the root filesystem is read-only), resources. Call with a dict:
  root, component, args (list), resources, terminationGracePeriodSeconds,
  restartPolicy (optional), mountState (bool), containerExtra (rendered YAML: ports, probes).
*/}}
{{- define "icsync.podSpec" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
serviceAccountName: {{ include "icsync.serviceAccountName" $root }}
automountServiceAccountToken: false
{{- with $v.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .restartPolicy }}
restartPolicy: {{ . }}
{{- end }}
terminationGracePeriodSeconds: {{ .terminationGracePeriodSeconds }}
{{- with $v.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
securityContext:
  {{- toYaml $v.podSecurityContext | nindent 2 }}
containers:
  - name: icsync
    image: {{ include "icsync.image" $root | quote }}
    imagePullPolicy: {{ $v.image.pullPolicy }}
    args:
      {{- toYaml .args | nindent 6 }}
    {{- with $v.extraEnv }}
    env:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with .containerExtra }}
    {{- . | nindent 4 }}
    {{- end }}
    securityContext:
      {{- toYaml $v.securityContext | nindent 6 }}
    resources:
      {{- toYaml .resources | nindent 6 }}
    volumeMounts:
      - name: config
        mountPath: /etc/icsync
        readOnly: true
      - name: secrets
        mountPath: {{ $v.secrets.mountPath }}
        readOnly: true
      - name: tmp
        mountPath: /tmp
      {{- if .mountState }}
      - name: state
        mountPath: {{ $v.persistence.mountPath }}
      {{- end }}
      {{- with $v.extraVolumeMounts }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
volumes:
  - name: config
    configMap:
      name: {{ include "icsync.fullname" $root }}
  - name: secrets
    secret:
      secretName: {{ include "icsync.secretName" $root }}
      # 0440: readable by the pod's fsGroup (podSecurityContext.fsGroup), which owns the files, and
      # by nobody else; without fsGroup a non-root user could not read them.
      defaultMode: 288
  - name: tmp
    emptyDir:
      sizeLimit: {{ $v.tmp.sizeLimit }}
  {{- if .mountState }}
  - name: state
    persistentVolumeClaim:
      claimName: {{ include "icsync.stateClaimName" $root }}
  {{- end }}
  {{- with $v.extraVolumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
Pod template metadata: labels and the config checksum, so Deployments roll when the config changes.
There is deliberately no checksum of the Secret: a hash of a weak secret in pod metadata could be
brute-forced by anyone who may read pods.
*/}}
{{- define "icsync.podMetadata" -}}
{{- $root := .root -}}
labels:
  {{- include "icsync.componentLabels" . | nindent 2 }}
  {{- with $root.Values.podLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
annotations:
  checksum/config: {{ include "icsync.configYaml" $root | sha256sum }}
  {{- with $root.Values.podAnnotations }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/* Port and probes of the webhook container; the server's contract is in webhook-deployment.yaml. */}}
{{- define "icsync.webhookContainerExtra" -}}
ports:
  - name: http
    containerPort: {{ int .Values.webhook.port }}
    protocol: TCP
livenessProbe:
  httpGet:
    path: /healthz
    port: http
  {{- toYaml .Values.webhook.livenessProbe | nindent 2 }}
readinessProbe:
  httpGet:
    path: /readyz
    port: http
  {{- toYaml .Values.webhook.readinessProbe | nindent 2 }}
{{- end -}}

{{/* Redis's port from config.redis.url (redis[s]://host[:port][/db]); 6379 when the URL names none. */}}
{{- define "icsync.redisPort" -}}
{{- $redis := default (dict) .Values.config.redis -}}
{{- $hostPort := regexReplaceAll "^rediss?://([^/]*).*$" (default "redis://127.0.0.1:6379" $redis.url) "${1}" -}}
{{- $port := regexFind ":[0-9]+$" $hostPort | trimPrefix ":" -}}
{{- default "6379" $port -}}
{{- end -}}
