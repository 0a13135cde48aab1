# Runtime image of the pipeline. It copies the jar that Maven built, so build that first:
#   mvn -q -DskipTests package && docker build -t coding-kpi:local .
# (docker-compose.yml builds it the same way.) The configuration is mounted at
# /etc/coding-kpi/app.properties; state stores live in /var/lib/coding-kpi (a volume).
FROM eclipse-temurin:17.0.20.1_1-jre-noble

RUN groupadd --system coding \
 && useradd --system --gid coding --home-dir /var/lib/coding-kpi --shell /usr/sbin/nologin coding \
 && mkdir -p /opt/coding-kpi /etc/coding-kpi /var/lib/coding-kpi \
 && chown coding:coding /var/lib/coding-kpi

COPY target/coding-kpi.jar /opt/coding-kpi/coding-kpi.jar
COPY bin/coding-kpi /opt/coding-kpi/bin/coding-kpi
# (bin/coding-kpi is executable in the repository, and COPY keeps its mode)

USER coding
WORKDIR /opt/coding-kpi
EXPOSE 9464
# The launcher's JVM settings (the parallel collector; see bin/coding-kpi and BENCHMARKS.md), with
# the heap sized from the container's memory limit instead of the launcher's fixed 448 MB.
ENV CODING_KPI_JAR=/opt/coding-kpi/coding-kpi.jar \
    CODING_KPI_HEAP_OPTS=-XX:MaxRAMPercentage=75
ENTRYPOINT ["/opt/coding-kpi/bin/coding-kpi"]
CMD ["run", "--config", "/etc/coding-kpi/app.properties"]
