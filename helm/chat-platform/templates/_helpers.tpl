{{/* Release-wide name prefix: the release name, or <release>-chat-platform when it does not say chat-platform. */}}
{{- define "chat-platform.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/*
The services: values key, name (also the image name), HTTP port, gRPC port (0: none), whether traffic from outside
the release may reach it, and which other services call it (NetworkPolicy). Ports are the services' defaults.
*/}}
{{- define "chat-platform.components" -}}
gateway:
  name: gateway
  http: 8080
  grpc: 0
  public: true
  callers: []
authService:
  name: auth-service
  http: 8081
  grpc: 9091
  public: false
  callers: [gateway, chat-service, websocket-service, moderation-service, notification-service]
chatService:
  name: chat-service
  http: 8082
  grpc: 9092
  public: false
  callers: [gateway, websocket-service, moderation-service, notification-service]
websocketService:
  name: websocket-service
  http: 8083
  grpc: 0
  public: true
  callers: [gateway]
moderationService:
  name: moderation-service
  http: 8084
  grpc: 9093
  public: false
  callers: [gateway, chat-service]
notificationService:
  name: notification-service
  http: 8085
  grpc: 0
  public: false
  callers: [gateway]
{{- end -}}

{{- define "chat-platform.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: chat-platform
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* Selector labels of one component; call with (dict "root" $ "name" "chat-service"). */}}
{{- define "chat-platform.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "chat-platform.image" -}}
{{- $tag := .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .name $tag -}}
{{- end -}}

{{/* In-cluster host names. */}}
{{- define "chat-platform.kafka.headless" -}}{{ include "chat-platform.fullname" . }}-kafka-headless{{- end -}}
{{- define "chat-platform.redis.host" -}}{{ include "chat-platform.fullname" . }}-redis{{- end -}}
{{- define "chat-platform.mongodb.headless" -}}{{ include "chat-platform.fullname" . }}-mongodb-headless{{- end -}}

{{/* The Secret with the platform's own secrets (auth service secret, JWT and VAPID keys, SMTP credentials). */}}
{{- define "chat-platform.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "chat-platform.fullname" .)) -}}
{{- end -}}

{{- define "chat-platform.publicUrl" -}}
{{- if .Values.publicUrl -}}
{{- .Values.publicUrl | trimSuffix "/" -}}
{{- else -}}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.host -}}
{{- end -}}
{{- end -}}

{{/* Where the service secret (auth-service's SetAccountStatus credential) is: given, or generated on install. */}}
{{- define "chat-platform.serviceSecretName" -}}
{{- if or .Values.secrets.existingSecret .Values.secrets.authServiceSecret -}}
{{- include "chat-platform.secretName" . -}}
{{- else -}}
{{- printf "%s-generated" (include "chat-platform.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Kafka, Redis and MongoDB connection settings, in-cluster or external. */}}
{{- define "chat-platform.env.kafka" -}}
{{- if .Values.kafka.enabled }}
- name: CHAT_KAFKA_BOOTSTRAP_SERVERS
  value: {{ printf "%s-kafka:9092" (include "chat-platform.fullname" .) | quote }}
{{- else if .Values.externalKafka.existingSecret }}
- name: CHAT_KAFKA_BOOTSTRAP_SERVERS
  valueFrom:
    secretKeyRef:
      name: {{ .Values.externalKafka.existingSecret }}
      key: bootstrap-servers
{{- else }}
- name: CHAT_KAFKA_BOOTSTRAP_SERVERS
  value: {{ .Values.externalKafka.bootstrapServers | quote }}
{{- end }}
{{- end -}}

{{- define "chat-platform.env.redis" -}}
{{- if .Values.redis.enabled }}
- name: SPRING_DATA_REDIS_HOST
  value: {{ include "chat-platform.redis.host" . | quote }}
- name: SPRING_DATA_REDIS_PORT
  value: "6379"
- name: SPRING_DATA_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "chat-platform.fullname" . }}-generated
      key: redis-password
{{- else }}
- name: SPRING_DATA_REDIS_HOST
  value: {{ .Values.externalRedis.host | quote }}
- name: SPRING_DATA_REDIS_PORT
  value: {{ .Values.externalRedis.port | quote }}
{{- if .Values.externalRedis.existingSecret }}
- name: SPRING_DATA_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.externalRedis.existingSecret }}
      key: redis-password
{{- else if .Values.externalRedis.password }}
- name: SPRING_DATA_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "chat-platform.fullname" . }}-external
      key: redis-password
{{- end }}
{{- end }}
{{- end -}}

{{- define "chat-platform.env.mongodb" -}}
{{- if .Values.mongodb.enabled }}
- name: CHAT_MONGODB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "chat-platform.fullname" . }}-generated
      key: mongodb-root-password
- name: SPRING_MONGODB_URI
  value: {{ printf "mongodb://root:$(CHAT_MONGODB_PASSWORD)@%s-mongodb-0.%s:27017/?authSource=admin&replicaSet=%s" (include "chat-platform.fullname" .) (include "chat-platform.mongodb.headless" .) .Values.mongodb.replicaSetName | quote }}
{{- else }}
- name: SPRING_MONGODB_URI
  valueFrom:
    secretKeyRef:
      name: {{ .Values.externalMongo.existingSecret | default (printf "%s-external" (include "chat-platform.fullname" .)) }}
      key: mongodb-uri
{{- end }}
{{- end -}}

{{/* Access-token verification (every service but auth-service and the gateway). */}}
{{- define "chat-platform.env.jwt" -}}
- name: CHAT_JWT_JWKS_URI
  value: {{ printf "http://%s-auth-service:8081/.well-known/jwks.json" (include "chat-platform.fullname" .) | quote }}
- name: CHAT_JWT_ISSUER
  value: {{ .Values.jwt.issuer | quote }}
- name: CHAT_JWT_AUDIENCE
  value: {{ .Values.jwt.audience | quote }}
{{- end -}}

{{- define "chat-platform.env.secret" -}}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret | default (include "chat-platform.secretName" .root) }}
      key: {{ .key }}
      optional: {{ .optional | default false }}
{{- end -}}

{{/* The environment of one service: its connections, then its own settings, then values' env (which wins). */}}
{{- define "chat-platform.env" -}}
{{- $root := .root -}}
{{- $fullname := include "chat-platform.fullname" $root -}}
{{- if eq $root.Values.logFormat "json" }}
- name: SPRING_PROFILES_ACTIVE
  value: json
{{- end }}
{{- with $root.Values.javaToolOptions }}
- name: JAVA_TOOL_OPTIONS
  value: {{ . | quote }}
{{- end }}
{{- if eq .key "gateway" }}
{{- include "chat-platform.env.redis" $root }}
- name: CHAT_GATEWAY_ROUTES_AUTH_SERVICE
  value: {{ printf "http://%s-auth-service:8081" $fullname | quote }}
- name: CHAT_GATEWAY_ROUTES_CHAT_SERVICE
  value: {{ printf "http://%s-chat-service:8082" $fullname | quote }}
- name: CHAT_GATEWAY_ROUTES_WEBSOCKET_SERVICE
  value: {{ printf "http://%s-websocket-service:8083" $fullname | quote }}
- name: CHAT_GATEWAY_ROUTES_MODERATION_SERVICE
  value: {{ printf "http://%s-moderation-service:8084" $fullname | quote }}
- name: CHAT_GATEWAY_ROUTES_NOTIFICATION_SERVICE
  value: {{ printf "http://%s-notification-service:8085" $fullname | quote }}
# Behind the Ingress: the client address is the last X-Forwarded-For entry.
- name: CHAT_GATEWAY_TRUST_FORWARDED_FOR
  value: {{ $root.Values.ingress.enabled | quote }}
{{- else if eq .key "authService" }}
{{- include "chat-platform.env.kafka" $root }}
{{- include "chat-platform.env.redis" $root }}
{{- include "chat-platform.env.mongodb" $root }}
- name: CHAT_AUTH_ISSUER
  value: {{ $root.Values.jwt.issuer | quote }}
- name: CHAT_AUTH_AUDIENCE
  value: {{ $root.Values.jwt.audience | quote }}
# Requests arrive through the gateway, which appends the client address to X-Forwarded-For.
- name: CHAT_AUTH_TRUST_FORWARDED_FOR
  value: "true"
{{- with $root.Values.adminUsernames }}
- name: CHAT_AUTH_ADMIN_USERNAMES
  value: {{ join "," . | quote }}
{{- end }}
{{ include "chat-platform.env.secret" (dict "root" $root "env" "CHAT_AUTH_SERVICE_SECRET" "key" "auth-service-secret" "secret" (include "chat-platform.serviceSecretName" $root)) }}
{{ include "chat-platform.env.secret" (dict "root" $root "env" "CHAT_AUTH_KEYS_0_KID" "key" "jwt-kid" "optional" true) }}
{{ include "chat-platform.env.secret" (dict "root" $root "env" "CHAT_AUTH_KEYS_0_PRIVATE_KEY" "key" "jwt-private-key" "optional" true) }}
{{ include "chat-platform.env.secret" (dict "root" $root "env" "CHAT_AUTH_KEYS_0_PUBLIC_KEY" "key" "jwt-public-key" "optional" true) }}
# The key that signed before the last rotation: published (and accepted) only, until its tokens have expired.
{{ include "chat-platform.env.secret" (dict "root" $root "env" "CHAT_AUTH_KEYS_1_KID" "key" "jwt-previous-kid" "optional" true) }}
{{ include "chat-platform.env.secret" (dict "root" $root "env" "CHAT_AUTH_KEYS_1_PRIVATE_KEY" "key" "jwt-previous-private-key" "optional" true) }}
{{ include "chat-platform.env.secret" (dict "root" $root "env" "CHAT_AUTH_KEYS_1_PUBLIC_KEY" "key" "jwt-previous-public-key" "optional" true) }}
{{- else if eq .key "chatService" }}
{{- include "chat-platform.env.kafka" $root }}
{{- include "chat-platform.env.redis" $root }}
{{- include "chat-platform.env.mongodb" $root }}
{{ include "chat-platform.env.jwt" $root }}
- name: CHAT_CHAT_SERVICE_PRE_MODERATION_TARGET
  value: {{ printf "%s-moderation-service:9093" $fullname | quote }}
# Service credentials on gRPC between the platform's services (the same secret as auth's SetAccountStatus).
{{ include "chat-platform.env.secret" (dict "root" $root "env" "CHAT_SERVICE_AUTH_TOKEN" "key" "auth-service-secret" "secret" (include "chat-platform.serviceSecretName" $root)) }}
{{- else if eq .key "websocketService" }}
{{- include "chat-platform.env.kafka" $root }}
{{- include "chat-platform.env.redis" $root }}
{{ include "chat-platform.env.jwt" $root }}
- name: CHAT_WEBSOCKET_CHAT_TARGET
  value: {{ printf "%s-chat-service:9092" $fullname | quote }}
- name: CHAT_WEBSOCKET_ALLOWED_ORIGINS
  value: {{ include "chat-platform.publicUrl" $root | quote }}
# Service credentials on gRPC between the platform's services (the same secret as auth's SetAccountStatus).
{{ include "chat-platform.env.secret" (dict "root" $root "env" "CHAT_SERVICE_AUTH_TOKEN" "key" "auth-service-secret" "secret" (include "chat-platform.serviceSecretName" $root)) }}
{{- else if eq .key "moderationService" }}
{{- include "chat-platform.env.kafka" $root }}
{{- include "chat-platform.env.redis" $root }}
{{- include "chat-platform.env.mongodb" $root }}
{{ include "chat-platform.env.jwt" $root }}
- name: CHAT_MODERATION_AUTH_TARGET
  value: {{ printf "%s-auth-service:9091" $fullname | quote }}
- name: CHAT_MODERATION_CHAT_TARGET
  value: {{ printf "%s-chat-service:9092" $fullname | quote }}
{{ include "chat-platform.env.secret" (dict "root" $root "env" "CHAT_MODERATION_AUTH_SERVICE_SECRET" "key" "auth-service-secret" "secret" (include "chat-platform.serviceSecretName" $root)) }}
# Service credentials on gRPC between the platform's services (the same secret as auth's SetAccountStatus).
{{ include "chat-platform.env.secret" (dict "root" $root "env" "CHAT_SERVICE_AUTH_TOKEN" "key" "auth-service-secret" "secret" (include "chat-platform.serviceSecretName" $root)) }}
{{- else if eq .key "notificationService" }}
{{- include "chat-platform.env.kafka" $root }}
{{- include "chat-platform.env.redis" $root }}
{{- include "chat-platform.env.mongodb" $root }}
{{ include "chat-platform.env.jwt" $root }}
- name: CHAT_NOTIFICATION_EMAIL_PUBLIC_URL
  value: {{ include "chat-platform.publicUrl" $root | quote }}
- name: CHAT_NOTIFICATION_CHAT_TARGET
  value: {{ printf "%s-chat-service:9092" $fullname | quote }}
# Service credentials on gRPC between the platform's services (the same secret as auth's SetAccountStatus).
{{ include "chat-platform.env.secret" (dict "root" $root "env" "CHAT_SERVICE_AUTH_TOKEN" "key" "auth-service-secret" "secret" (include "chat-platform.serviceSecretName" $root)) }}
- name: SPRING_MAIL_HOST
  value: {{ $root.Values.smtp.host | quote }}
- name: SPRING_MAIL_PORT
  value: {{ $root.Values.smtp.port | quote }}
- name: SPRING_MAIL_PROPERTIES_MAIL_SMTP_STARTTLS_ENABLE
  value: {{ $root.Values.smtp.starttls | quote }}
- name: CHAT_NOTIFICATION_EMAIL_FROM
  value: {{ $root.Values.smtp.from | quote }}
{{ include "chat-platform.env.secret" (dict "root" $root "env" "SPRING_MAIL_USERNAME" "key" "smtp-username" "optional" true) }}
{{ include "chat-platform.env.secret" (dict "root" $root "env" "SPRING_MAIL_PASSWORD" "key" "smtp-password" "optional" true) }}
{{ include "chat-platform.env.secret" (dict "root" $root "env" "CHAT_NOTIFICATION_VAPID_PUBLIC_KEY" "key" "vapid-public-key" "optional" true) }}
{{ include "chat-platform.env.secret" (dict "root" $root "env" "CHAT_NOTIFICATION_VAPID_PRIVATE_KEY" "key" "vapid-private-key" "optional" true) }}
- name: CHAT_NOTIFICATION_VAPID_SUBJECT
  value: {{ $root.Values.secrets.vapid.subject | quote }}
{{- end }}
{{- range $name, $value := .spec.env }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}
