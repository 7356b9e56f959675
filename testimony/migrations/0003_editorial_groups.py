from django.db import migrations

# Contributors draft and submit for review. Editors also publish, retract and manage vocabularies and places.
# Neither group may read confidential witness identities: that permission is granted to individual users by hand.
CONTENT = ["testimony", "witness", "crossreference", "statement", "actor", "incident", "source", "place", "tag",
           "taggroup"]
CONTRIBUTOR = {
    "testimony": ["view", "add", "change"],
    "witness": ["view", "add", "change"],
    "crossreference": ["view", "add", "change", "delete"],
    "statement": ["view", "add", "change"],
    "actor": ["view"],
    "incident": ["view"],
    "source": ["view", "add"],
    "place": ["view"],
    "tag": ["view"],
    "taggroup": ["view"],
}
EDITOR = {model: ["view", "add", "change", "delete"] for model in CONTENT}
# Declared in Testimony.Meta.permissions: codename -> the groups that hold it.
CUSTOM = {
    "submit_testimony": ["Contributor", "Editor"],
    "publish_testimony": ["Editor"],
    "import_testimonies": ["Editor"],
}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("testimony")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    for group_name, grants in (("Contributor", CONTRIBUTOR), ("Editor", EDITOR)):
        group, _ = Group.objects.get_or_create(name=group_name)
        for model, actions in grants.items():
            for action in actions:
                group.permissions.add(
                    Permission.objects.get(content_type__app_label="testimony", codename=f"{action}_{model}")
                )
        for codename, groups in CUSTOM.items():
            if group_name in groups:
                group.permissions.add(Permission.objects.get(content_type__app_label="testimony", codename=codename))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Contributor", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("testimony", "0002_search_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
