/*
 * ktime.c - RFC 3339 parsing without locale or TZ state, kubectl ages.
 */
#include "api/ktime.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), so no timegm(). */
static long long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool ktime_parse(const char *s, time_t *out)
{
    int y, mo, d, h, mi, se;
    if (!s || strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
        s[7] != '-' || !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
        !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
        !digits(s + 17, 2, &se))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return false;
    const char *p = s + 19;
    if (*p == '.')
        for (p++; isdigit((unsigned char)*p); p++)
            ;
    long off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om))
            return false;
        off = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return false;
    }
    if (*p)
        return false;
    *out = (time_t)(days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + se - off);
    return true;
}

/* Same thresholds as k8s.io/apimachinery duration.HumanDuration; a zero
 * remainder is dropped ("3h", not "3h0m"). */
static void two(char *buf, size_t n, long long a, char ua, long long b, char ub)
{
    if (b)
        snprintf(buf, n, "%lld%c%lld%c", a, ua, b, ub);
    else
        snprintf(buf, n, "%lld%c", a, ua);
}

const char *ktime_age(time_t then, time_t now, char *buf, size_t n)
{
    long long s = (long long)(now - then);
    if (s < 0)
        s = 0;
    long long m = s / 60, h = s / 3600, dd = h / 24;
    if (s < 120)
        snprintf(buf, n, "%llds", s);
    else if (m < 10)
        two(buf, n, m, 'm', s % 60, 's');
    else if (m < 180)
        snprintf(buf, n, "%lldm", m);
    else if (h < 8)
        two(buf, n, h, 'h', m % 60, 'm');
    else if (h < 48)
        snprintf(buf, n, "%lldh", h);
    else if (h < 24 * 8)
        two(buf, n, dd, 'd', h % 24, 'h');
    else if (h < 24 * 365 * 2)
        snprintf(buf, n, "%lldd", dd);
    else if (h < 24 * 365 * 8)
        two(buf, n, dd / 365, 'y', dd % 365, 'd');
    else
        snprintf(buf, n, "%lldy", dd / 365);
    return buf;
}
