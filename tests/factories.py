"""Factories for the domain; stages are reached only through the transition service."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from projects.access import Role
from projects.models import Activity, City, Membership, Project, Zone


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试市{n}")


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    code = factory.Sequence(lambda n: f"zone-{n}")
    name = factory.Sequence(lambda n: f"测试经济开发区{n}")
    city = factory.SubFactory(CityFactory)
    county = "尧都区"
    category = Zone.Category.INDUSTRIAL
    level = Zone.Level.PROVINCIAL


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    name = factory.Sequence(lambda n: f"2024年第{n}次")
    city = factory.SubFactory(CityFactory)
    held_on = datetime.date(2024, 3, 15)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests")


def member(username: str, role: str, *, zone: Zone | None = None, city: City | None = None):
    user = UserFactory(username=username)
    Membership.objects.create(user=user, role=role, zone=zone, city=city)
    return user


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"年产{n}万吨新材料项目")
    investor = "山西测试新材料有限公司"
    zone = factory.SubFactory(ZoneFactory)
    industry_chain = "新材料"
    tier = Project.Tier.PROVINCIAL
    category = Project.Category.INDUSTRY
    total_investment = Decimal("52000.00")
    funds_in_place = Decimal("12000.00")
    signed_on = datetime.date(2024, 3, 1)
    target_annual_output = Decimal("80000.00")


__all__ = ["ActivityFactory", "CityFactory", "ProjectFactory", "Role", "ZoneFactory", "member"]
