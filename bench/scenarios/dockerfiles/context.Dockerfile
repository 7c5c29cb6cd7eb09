# A large context (10,000 files, about 100 MB) copied in whole.
ARG REG
FROM ${REG}/library/alpine
COPY . /src
CMD ls /src
