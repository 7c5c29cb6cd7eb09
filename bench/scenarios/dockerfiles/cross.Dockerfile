# The cross-compilation pattern: the build stage runs on the build platform and reads no TARGET*
# argument, so its work (a few seconds of shell arithmetic) is the same for every target; each
# target's final stage copies its result.
ARG REG
FROM --platform=$BUILDPLATFORM ${REG}/library/alpine AS build
ARG ITER=1000000
RUN i=0; s=0; while [ $i -lt $ITER ]; do i=$((i+1)); s=$(((s*31+i)%1000003)); done; mkdir -p /out; echo "$s" > /out/result

FROM ${REG}/library/alpine
COPY --from=build /out/result /result
CMD cat /result
