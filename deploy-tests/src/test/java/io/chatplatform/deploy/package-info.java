/**
 * Checks of what operators deploy: the Helm chart in {@code helm/chat-platform} (linted and rendered with helm-java,
 * the manifests parsed and inspected), {@code docker/compose.yaml}, {@code docker/Dockerfile} and the image tarballs
 * the {@code images} profile builds. Start with {@link io.chatplatform.deploy.HelmChartTest}.
 */
package io.chatplatform.deploy;
