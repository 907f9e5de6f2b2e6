# Odoo 18 (official image) with OCA's helpdesk_mgmt, the addon this one extends.
# Our addon itself is mounted by docker-compose.yml into /mnt/extra-addons.
FROM odoo:18
USER root
# The image's Odoo is a system package, not a pip distribution: --no-deps keeps pip
# from fetching "odoo" from PyPI; the wheel lands in dist-packages/odoo/addons, which
# Odoo finds through the odoo.addons namespace. The version matches requirements.txt.
RUN pip3 install --no-cache-dir --no-deps --break-system-packages \
        odoo-addon-helpdesk-mgmt==18.0.1.19.5
USER odoo
