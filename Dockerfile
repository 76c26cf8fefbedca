# syntax=docker/dockerfile:1
#
# brandguard in a container: `docker build -t brandguard:0.1.0 .` gives the runtime
# image (the binary only: templates, rules and the demo are compiled in); `--target
# kubernetes` adds kubectl for the nightly controller of deploy/kubernetes/.
#
# The image runs as the unprivileged user 10001 with /data as its working folder
# (mount the targets and the store there). Debian's chromium is in the image: scans
# render the listings of confirmed findings (`[render] mode = "findings"`, the
# default) for the screenshots packets show, with Noto fonts so a Chinese or Japanese
# listing's screenshot is legible. `--build-arg WITH_CHROMIUM=false` leaves
# it out; run that image with BRANDGUARD_RENDER=never. Docker's and Kubernetes'
# default seccomp profiles give a non-root process no user namespaces, which
# Chromium's own sandbox needs: run there with BRANDGUARD_BROWSER_SANDBOX=off (the
# container confines the browser; deploy/kubernetes sets it), or every render fails.
#
# tests/container.rs lints this file with hadolint and runs the build stage's RUN
# commands in a scratch folder (no Docker engine needed), then checks that every file
# the runtime stage copies was produced.

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

FROM rust:${RUST_VERSION}-${DEBIAN_RELEASE} AS build
WORKDIR /src
COPY . .
# `dev` builds a debug binary (what the test of this file uses); releases use `release`.
ARG PROFILE=release
ENV OUT=/out
RUN cargo install --locked --path . --root "$OUT" --profile "$PROFILE" \
    && "$OUT/bin/brandguard" --version

FROM debian:${DEBIAN_RELEASE}-slim AS base
ARG VERSION=0.1.0
ARG WITH_CHROMIUM=true
LABEL org.opencontainers.image.title="brandguard" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.description="Nightly marketplace scan for unauthorized sellers and prices below the floor"
# Debian security updates are wanted, so package versions are not pinned (DL3008).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && if [ "$WITH_CHROMIUM" = true ]; then apt-get install -y --no-install-recommends chromium fonts-noto-core fonts-noto-cjk; fi \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 brandguard \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home brandguard \
    && mkdir -p /data && chown 10001:10001 /data
COPY --from=build /out/bin/brandguard /usr/local/bin/brandguard
WORKDIR /data
USER 10001:10001
ENTRYPOINT ["brandguard"]
CMD ["--help"]

# kubectl for the nightly controller, checked against the checksum you pass:
#   --build-arg KUBECTL_SHA256=$(curl -fsSL https://dl.k8s.io/release/v1.31.4/bin/linux/amd64/kubectl.sha256)
FROM debian:${DEBIAN_RELEASE}-slim AS kubectl
ARG KUBECTL_VERSION=v1.31.4
ARG KUBECTL_ARCH=amd64
ARG KUBECTL_SHA256=""
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# Debian security updates are wanted, so package versions are not pinned (DL3008).
# hadolint ignore=DL3008
RUN test -n "$KUBECTL_SHA256" || { echo "set --build-arg KUBECTL_SHA256 (from https://dl.k8s.io/release/$KUBECTL_VERSION/bin/linux/$KUBECTL_ARCH/kubectl.sha256)" >&2; exit 1; } \
    && apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && curl -fsSLo /kubectl "https://dl.k8s.io/release/$KUBECTL_VERSION/bin/linux/$KUBECTL_ARCH/kubectl" \
    && echo "$KUBECTL_SHA256  /kubectl" | sha256sum -c - \
    && chmod 0755 /kubectl

FROM base AS kubernetes
COPY --from=kubectl /kubectl /usr/local/bin/kubectl

# The default target: the runtime image without kubectl.
FROM base AS runtime
